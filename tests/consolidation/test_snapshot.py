"""The national daily snapshot, checked against figures worked out by hand."""

from datetime import timedelta

import pytest

from central.models import OccupancyBreakdown, OccupancySnapshot
from tests.consolidation.helpers import consolidate, detainee_values, package, person_values, today

pytestmark = pytest.mark.django_db


def _people():
    """UPT A: 2 sentenced men (narkotika), 1 sentenced woman (korupsi), 1 detained man, 1 at a court hearing
    (temporarily out — still an occupant), 1 released and 1 transferred (not occupants).
    UPT B: 1 detained woman. UPT C: nothing sent."""
    a = [
        person_values("A/1", nik=""),
        person_values("A/2", nik=""),
        person_values("A/3", nik="", sex="P", crime_category="KORUPSI"),
        detainee_values("A/4", nik=""),
        detainee_values("A/5", nik="", status="TEMP_OUT", crime_category="PIDANA_UMUM"),
        person_values("A/6", nik="", status="RELEASED"),
        person_values("A/7", nik="", status="TRANSFERRED"),
    ]
    b = [detainee_values("B/1", nik="", sex="P", register="A.III", detention_limit_date=today() + timedelta(days=9))]
    return a, b


def test_snapshot_figures(world):
    a, b = _people()
    package(world.upt_a, persons=a)
    package(world.upt_b, persons=b)
    run = consolidate(world.central)
    assert run.snapshot_date == today()
    snaps = {s.upt.code: s for s in OccupancySnapshot.objects.filter(date=today())}
    assert set(snaps) == {"LP3301", "LP3302", "LP3101"}
    sa, sb, sc = snaps["LP3301"], snaps["LP3302"], snaps["LP3101"]
    assert (sa.capacity, sa.detainees, sa.sentenced, sa.male, sa.female, sa.total) == (500, 2, 3, 4, 1, 5)
    assert (sb.capacity, sb.detainees, sb.sentenced, sb.male, sb.female) == (428, 1, 0, 0, 1)
    assert (sc.capacity, sc.detainees, sc.sentenced, sc.male, sc.female) == (1136, 0, 0, 0, 0)
    assert sa.run == run
    cells = set(
        OccupancyBreakdown.objects.filter(date=today()).values_list(
            "upt__code", "register", "sex", "crime_category", "count"
        )
    )
    assert cells == {
        ("LP3301", "B.I", "L", "NARKOTIKA_PENGGUNA", 2),
        ("LP3301", "B.I", "P", "KORUPSI", 1),
        ("LP3301", "A.II", "L", "NARKOTIKA_PENGGUNA", 1),
        ("LP3301", "A.II", "L", "PIDANA_UMUM", 1),
        ("LP3302", "A.III", "P", "NARKOTIKA_PENGGUNA", 1),
    }


def test_a_rerun_the_same_day_replaces_the_day(world):
    a, _b = _people()
    package(world.upt_a, persons=a)
    consolidate(world.central)
    OccupancySnapshot.objects.create(
        date=today() - timedelta(days=1), upt=world.upt_a, capacity=500, detainees=1, sentenced=1, male=2, female=0
    )
    package(world.upt_a, kind="delta", persons=[person_values("A/1", nik="", status="RELEASED")])
    second = consolidate(world.central)
    assert OccupancySnapshot.objects.filter(date=today(), upt=world.upt_a).count() == 1
    snap = OccupancySnapshot.objects.get(date=today(), upt=world.upt_a)
    assert (snap.sentenced, snap.run) == (2, second)
    assert OccupancyBreakdown.objects.get(date=today(), upt=world.upt_a, register="B.I", sex="L").count == 1
    assert OccupancySnapshot.objects.filter(date=today() - timedelta(days=1)).count() == 1  # other days kept


def test_an_inactive_unit_without_occupants_is_left_out(world):
    world.upt_c.is_active = False
    world.upt_c.save()
    consolidate(world.central)
    assert set(OccupancySnapshot.objects.values_list("upt__code", flat=True)) == {"LP3301", "LP3302"}


def test_children_and_foreign_nationals_are_counted_on_the_day(world):
    """Under 18 on the snapshot's day is a child (18 today is not; no birth date is not); any nationality but
    a spelling of Indonesian is foreign. Released people are not occupants."""
    t = today()
    eighteen_today = t.replace(year=t.year - 18) if (t.month, t.day) != (2, 29) else t.replace(year=t.year - 18, day=28)
    package(
        world.upt_a,
        persons=[
            person_values("A/1", nik="", birth_date=eighteen_today),
            person_values("A/2", nik="", birth_date=eighteen_today + timedelta(days=1)),
            person_values("A/3", nik="", birth_date=None),
            person_values("A/4", nik="", nationality="Malaysia", passport_number="A1234567"),
            person_values("A/5", nik="", nationality=" WNI "),
            person_values("A/6", nik="", nationality="Nigeria", passport_number="B7654321", status="RELEASED"),
            person_values("A/7", nik="", birth_date=eighteen_today + timedelta(days=30), status="RELEASED"),
        ],
    )
    consolidate(world.central)
    snap = OccupancySnapshot.objects.get(date=today(), upt=world.upt_a)
    assert (snap.total, snap.children, snap.foreign_nationals) == (5, 1, 1)
    other = OccupancySnapshot.objects.get(date=today(), upt=world.upt_b)
    assert (other.children, other.foreign_nationals) == (0, 0)
