"""The snapshot carried forward from the last one (services/consolidation/snapshot.py) gives, for every UPT and
figure, what counting the whole register gives: after a run changed some UPTs, after the register was written
outside a run, and on days when nothing changed but time moved (a child turning 18, a detention limit and an
expiry date passing)."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from central.models import NationalPerson, OccupancyBreakdown, OccupancySnapshot, RegisterChange, SnapshotBase
from central.services.consolidation.snapshot import snapshot_record
from tests.consolidation.helpers import consolidate, detainee_values, package, person_values, today

pytestmark = pytest.mark.django_db

_FIGURES = (
    "capacity", "detainees", "sentenced", "male", "female", "children", "foreign_nationals", "with_nik",
    "nik_plausible", "sentenced_without_extract", "overstay_detainees", "overstay_sentenced",
)  # fmt: skip


def _day(day: date) -> tuple[dict, set]:
    rows = {s["upt_id"]: tuple(s[f] for f in _FIGURES) for s in OccupancySnapshot.objects.filter(date=day).values()}
    cells = set(
        OccupancyBreakdown.objects.filter(date=day).values_list("upt_id", "register", "sex", "crime_category", "count")
    )
    return rows, cells


def _carried_equals_counted(run_id: int, day: date) -> tuple[dict, set]:
    """Carry ``day`` forward, then count it in full: the two must agree. Returns the day's figures."""
    assert snapshot_record(run_id=run_id, today=day) is True
    carried = _day(day)
    assert not RegisterChange.objects.exists()
    with override_settings(CONSOLIDATION_SNAPSHOT_CARRY=False):
        assert snapshot_record(run_id=run_id, today=day) is False
    assert _day(day) == carried
    return carried


def _child(figures, upt) -> int:
    return figures[0][upt.pk][_FIGURES.index("children")]


def _overstay(figures, upt) -> tuple[int, int]:
    row = figures[0][upt.pk]
    return row[_FIGURES.index("overstay_detainees")], row[_FIGURES.index("overstay_sentenced")]


def test_carried_forward_is_the_full_count(world):
    t0 = today()
    a = [
        person_values("A/1", nik=""),
        person_values("A/2"),
        person_values("A/3", nik="", sex="P", crime_category="KORUPSI", nationality="Malaysia"),
        detainee_values("A/4", nik=""),
        detainee_values("A/5", nik="", status="TEMP_OUT", crime_category="PIDANA_UMUM"),
    ]
    b = [detainee_values("B/1", nik="", sex="P", register="A.III")]
    package(world.upt_a, persons=a)
    package(world.upt_b, persons=b)
    first = consolidate(world.central)
    assert SnapshotBase.objects.get().run == first  # the first run counted the register and is the base

    # A second run the same day changes UPT A only; the day is carried from the first run's rows.
    package(
        world.upt_a,
        kind="delta",
        persons=[person_values("A/1", nik="", status="RELEASED"), person_values("A/6", nik="", sex="P")],
    )
    second = consolidate(world.central)
    ran = _day(t0)
    with override_settings(CONSOLIDATION_SNAPSHOT_CARRY=False):
        snapshot_record(run_id=second.pk, today=t0)
    assert _day(t0) == ran

    # Written outside a run (the trigger logs it): dates that the next days will cross.
    person = NationalPerson.objects.filter
    person(upt=world.upt_a, reg_number="A/2").update(birth_date=date(t0.year - 18, t0.month, t0.day) + timedelta(1))
    person(upt=world.upt_b, reg_number="B/1").update(detention_limit_date=t0 + timedelta(days=1))
    person(upt=world.upt_a, reg_number="A/3").update(expiry_date=t0)
    day0 = _carried_equals_counted(second.pk, t0)
    assert _child(day0, world.upt_a) == 1
    assert _overstay(day0, world.upt_a) == (0, 0) and _overstay(day0, world.upt_b) == (0, 0)

    # Nothing changes, time moves: A/2 turns 18, A/3's expiry passes, then B/1's detention limit.
    day1 = _carried_equals_counted(second.pk, t0 + timedelta(days=1))
    assert _child(day1, world.upt_a) == 0
    assert _overstay(day1, world.upt_a) == (0, 1) and _overstay(day1, world.upt_b) == (0, 0)
    day3 = _carried_equals_counted(second.pk, t0 + timedelta(days=3))
    assert _overstay(day3, world.upt_b) == (1, 0)
    assert day3[1] == day1[1]  # the breakdown does not move with time

    # Some UPTs change as time moves: a release, a register change, a sex corrected, a row gone; a unit's
    # capacity changes and an empty one closes.
    person(upt=world.upt_a, reg_number="A/4").update(status="RELEASED")
    person(upt=world.upt_a, reg_number="A/5").update(register="A.III", sex="P")
    person(upt=world.upt_b, reg_number="B/1").update(expiry_date=t0, register="B.I")
    person(upt=world.upt_a, reg_number="A/1").delete()
    world.upt_a.capacity = 450
    world.upt_a.save(update_fields=["capacity"])
    world.upt_c.is_active = False
    world.upt_c.save(update_fields=["is_active"])
    day5 = _carried_equals_counted(second.pk, t0 + timedelta(days=5))
    assert world.upt_c.pk not in day5[0]
    assert day5[0][world.upt_a.pk][:3] == (450, 1, 3)
    assert _overstay(day5, world.upt_b) == (0, 1)


def test_a_moved_or_rewritten_base_day_is_counted_in_full(world):
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    run = consolidate(world.central)
    # The base day's rows moved to another day (as a history loader would rewrite them): nothing to carry.
    OccupancySnapshot.objects.filter(date=today()).update(date=today() - timedelta(days=1))
    assert snapshot_record(run_id=run.pk, today=today()) is False
    # A base whose figures were defined otherwise (another region list, a changed rule): counted again.
    SnapshotBase.objects.update(definition="x")
    assert snapshot_record(run_id=run.pk, today=today()) is False
    assert snapshot_record(run_id=run.pk, today=today()) is True
