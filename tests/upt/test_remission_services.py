"""Remissions: who may receive one, the decree's fields, and the expiry moving earlier."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from tests.upt.conftest import days_ago
from upt.models import Remission
from upt.services.movements import movement_record
from upt.services.remissions import remission_delete, remission_record, remission_update

pytestmark = pytest.mark.django_db


def grant(world, person, user=None, **kwargs):
    values = {"kind": "RU", "days": 30, "decree_number": "PAS-1.PK.01.05.06/2026", "decree_date": days_ago(3)}
    values.update(kwargs)
    return remission_record(user=user or world.operator_a, person=person, **values)


def refused(world, person, **kwargs) -> dict[str, list[str]]:
    person.refresh_from_db()
    before = (Remission.objects.count(), person.remission_days)
    with pytest.raises(ValidationError) as excinfo:
        grant(world, person, **kwargs)
    person.refresh_from_db()
    assert (Remission.objects.count(), person.remission_days) == before
    return excinfo.value.message_dict


def test_remissions_add_up_and_move_the_expiry_earlier(world, admit):
    person = admit(register="B.I")
    full_expiry = person.expiry_date
    grant(world, person, days=30)
    grant(world, person, kind="RK", days=15, decree_number="PAS-2/2026")
    person.refresh_from_db()
    assert person.remission_days == 45
    assert person.expiry_date == full_expiry - relativedelta(days=45)
    assert Remission.objects.filter(person=person).first().recorded_by == world.operator_a


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"days": 0}, "days", "sekurang-kurangnya"),
        ({"days": None}, "days", "sekurang-kurangnya"),
        ({"decree_number": " "}, "decree_number", "nomor SK"),
        ({"decree_date": None}, "decree_date", "tanggal SK"),
        ({"decree_date": days_ago(-1)}, "decree_date", "masa depan"),
        ({"decree_date": days_ago(61)}, "decree_date", "sebelum tanggal putusan"),
        ({"kind": "XX"}, "kind", "jenis remisi"),
        ({"days": 1200}, "days", "seluruh masa pidana"),
    ],
)
def test_bad_remissions_are_refused(world, admit, kwargs, field, fragment):
    errors = refused(world, admit(register="B.I"), **kwargs)
    assert any(fragment in m for m in errors[field]), errors


def test_a_decree_is_recorded_once(world, admit):
    person = admit(register="B.I")
    grant(world, person)
    assert "sudah dicatat" in refused(world, person)["decree_number"][0]


def test_only_term_sentences_held_here_receive_remission(world, admit):
    assert "B.I–B.III" in refused(world, admit())["__all__"][0]  # a detainee
    assert "B.I–B.III" in refused(world, admit(register="SH", sentence_years=0))["__all__"][0]
    released = admit(register="B.I")
    movement_record(
        user=world.operator_a,
        person=released,
        kind="RELEASE",
        date=days_ago(1),
        document_number="X",
        release_reason="BEBAS_DEMI_HUKUM",
    )
    released.refresh_from_db()
    assert "penghuni" in refused(world, released)["__all__"][0]


def test_remissions_are_scoped(world, admit):
    person = admit(register="B.I")
    for user in (world.operator_b, world.monitor_x, world.central, world.no_role):
        with pytest.raises(PermissionDenied):
            grant(world, person, user=user)
    assert not Remission.objects.exists()


def test_a_decree_is_corrected_and_the_expiry_follows(world, admit):
    person = admit(register="B.I")
    full_expiry = person.expiry_date
    remission = grant(world, person, days=30)
    remission_update(
        user=world.operator_a,
        remission=remission,
        kind="RU",
        days=60,
        decree_number="PAS-9/2026",
        decree_date=days_ago(2),
    )
    person.refresh_from_db()
    assert person.remission_days == 60 and person.expiry_date == full_expiry - relativedelta(days=60)
    with pytest.raises(PermissionDenied):
        remission_update(
            user=world.operator_b, remission=remission, kind="RU", days=1, decree_number="X", decree_date=days_ago(2)
        )


def test_only_the_admin_deletes_a_decree(world, admit):
    person = admit(register="B.I")
    full_expiry = person.expiry_date
    remission = grant(world, person)
    with pytest.raises(PermissionDenied):
        remission_delete(user=world.operator_a, remission=remission)
    remission_delete(user=world.admin, remission=remission)
    person.refresh_from_db()
    assert person.remission_days == 0 and person.expiry_date == full_expiry
