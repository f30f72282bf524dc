"""bench_register runs end to end on a small UPT and leaves the database as it found it."""

from io import StringIO

import pytest
from django.core.management import call_command

from central.models import Upt
from upt.models import Movement, Person

pytestmark = pytest.mark.django_db


def test_bench_register_measures_every_page_and_rolls_back(world):
    before = (Upt.objects.count(), Person.objects.count(), Movement.objects.count())
    out = StringIO()
    call_command("bench_register", "--people", "60", "--runs", "1", stdout=out)
    text = out.getvalue()
    for page in ("home", "list, detention ≤ 10 days", "person's file", "movement form"):
        assert page in text
    assert "60 people in one UPT" in text
    assert (Upt.objects.count(), Person.objects.count(), Movement.objects.count()) == before
