from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from central.models import Upt
from central.roles import Role
from central.selectors.roles import user_role, user_upts

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_logins():
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    text = out.getvalue()
    assert "op.karanganyar" in text and "demo-sdp-2026" in text
    karanganyar = Upt.objects.get(name="Lapas Kelas IIA Karanganyar Nusakambangan")
    assert karanganyar.kanwil.province == "Jawa Tengah"
    assert Upt.objects.filter(kanwil=karanganyar.kanwil, city="Cilacap").count() >= 5  # its neighbours
    assert Upt.objects.values("kanwil").distinct().count() >= 10
    User = get_user_model()
    operator = User.objects.get(username="op.karanganyar")
    assert user_role(user=operator) is Role.OPERATOR
    assert list(user_upts(user=operator)) == [karanganyar]
    assert operator.check_password("demo-sdp-2026")
    assert User.objects.get(username="admin").is_superuser
    assert user_role(user=User.objects.get(username="pusat")) is Role.CENTRAL
    assert User.objects.filter(username="op.karanganyar").count() == 1


def test_seed_demo_generates_a_password_when_none_given():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    password = out.getvalue().strip().rsplit(" ", 1)[-1]
    assert len(password) >= 10
    assert get_user_model().objects.get(username="pusat").check_password(password)
