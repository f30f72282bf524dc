"""``manage.py seed_national`` end to end at a small size: what it writes and what it reports.

A module of its own: the command seeds only a database without units, and ``test_seed_national``'s
generated country lives for the whole of that module."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from central.models import OccupancySnapshot, Upt
from central.reference import HELD_STATUSES
from devtools.national import facts
from upt.models import Person

pytestmark = pytest.mark.django_db


def test_seed_national_writes_the_country_and_reports_it():
    assert not Upt.objects.exists(), "another test left units behind"
    out = StringIO()
    call_command("seed_national", "--people", "400", "--days", "3", "--seed", "2", stdout=out)
    text = out.getvalue()
    assert f"400 penghuni di {facts.NATIONAL_UPTS} UPT" in text
    assert f"{facts.NATIONAL_UPTS} UPT, " in text.split("Selesai dalam", 1)[1]
    assert "Nasional" in text  # the occupancy per Kanwil that closes the report
    assert Person.objects.filter(status__in=list(HELD_STATUSES)).count() == 400
    assert OccupancySnapshot.objects.count() == 3 * facts.NATIONAL_UPTS
