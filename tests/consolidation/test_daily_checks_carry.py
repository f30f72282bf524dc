"""A rerun the same day keeps the day's reconciliation flows and adds the movement changes logged since
(services/consolidation/daily_checks.py) instead of counting every movement received since the previous
snapshot again: the figures must be those of counting again, UPT by UPT."""

from datetime import timedelta

import pytest

from central.models import DailyReconciliation, FlowChange, NationalMovement
from central.services.consolidation import daily_checks
from central.services.consolidation.daily_checks import daily_checks_record
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, today

pytestmark = pytest.mark.django_db

_COLUMNS = (
    "upt_id", "state", "previous_date", "previous_population", "admissions", "transfers_in", "recaptures",
    "releases", "transfers_out", "deaths", "escapes", "temporary_exits", "returns", "population", "expected",
    "difference",
)  # fmt: skip


def _day() -> set:
    return set(DailyReconciliation.objects.filter(date=today()).values_list(*_COLUMNS))


def test_a_rerun_the_same_day_adds_the_changes_to_the_flows(world, monkeypatch):
    taken = []
    same_day = daily_checks._same_day_flows
    monkeypatch.setattr(daily_checks, "_same_day_flows", lambda *a: taken.append(same_day(*a)) or taken[-1])
    a = [person_values(f"A/{i}", nik="") for i in range(1, 5)]
    package(world.upt_a, persons=a, movements=[movement_values(f"A/{i}") for i in range(1, 5)])
    package(world.upt_b, persons=[person_values("B/1", nik="", sex="P")], movements=[movement_values("B/1")])
    consolidate(world.central)
    assert taken == [False]  # the day's first reconciliation counts the movements
    first = {r[0]: r for r in _day()}
    assert first[world.upt_a.pk][4] == 4 and first[world.upt_b.pk][4] == 1

    # Between the runs, outside a run: a movement's kind corrected (logged by the trigger).
    NationalMovement.objects.filter(upt=world.upt_a, person_reg_number="A/4").update(kind="TRANSFER_IN")
    # The second run: A releases A/1 and admits A/5; B's full package no longer has B/1's admission (removed)
    # but a transfer in; C sends its first package.
    t = today()
    package(
        world.upt_a,
        kind="delta",
        persons=[person_values("A/1", nik="", status="RELEASED"), person_values("A/5", nik="")],
        movements=[
            movement_values("A/1", kind="RELEASE", date=t, release_reason="BEBAS_MURNI"),
            movement_values("A/5", kind="ADMISSION", date=t - timedelta(days=3)),
        ],
    )
    package(
        world.upt_b,
        persons=[person_values("B/1", nik="", sex="P")],
        movements=[movement_values("B/1", kind="TRANSFER_IN", other_upt_code=world.upt_c.code)],
    )
    package(world.upt_c, persons=[person_values("C/1", nik="")], movements=[movement_values("C/1")])
    second = consolidate(world.central)
    assert taken[-1] is True
    assert not FlowChange.objects.exists()
    carried = {r[0]: r for r in _day()}
    assert carried[world.upt_a.pk][4:9] == (4, 1, 0, 1, 0)  # A/2, A/3, A/5 + A/1 admitted; A/4 moved in; A/1 out
    assert carried[world.upt_b.pk][4:6] == (0, 1)
    assert carried[world.upt_c.pk][4] == 1

    # Counting again gives the same rows (the last run is not the one that wrote them: no carrying).
    daily_checks_record(run_id=second.pk, today=t)
    assert taken[-1] is False
    assert _day() == set(carried.values())
