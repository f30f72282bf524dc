"""The national register after a run: latest row per key, tombstones, full snapshots, the hash filter,
submissions' final states and per-UPT results, and idempotency."""

import json
import uuid
from datetime import timedelta

import pytest

from central.models import (
    NationalMovement,
    NationalPerson,
    NationalRemission,
    RowIssue,
    RunUptResult,
    Submission,
)
from central.services.consolidation import consolidation_request
from tests.consolidation.helpers import (
    consolidate,
    movement_values,
    package,
    person_values,
    register_state,
    remission_values,
    today,
)

pytestmark = pytest.mark.django_db


def names():
    return dict(NationalPerson.objects.values_list("reg_number", "full_name"))


def test_rows_land_in_the_register_with_their_unit_and_run(world):
    sub = package(
        world.upt_a,
        persons=[person_values("BI/1")],
        movements=[movement_values("BI/1", kind="TRANSFER_IN", other_upt_code=world.upt_b.code)],
        remissions=[remission_values("BI/1")],
    )
    run = consolidate(world.central)
    person = NationalPerson.objects.get()
    assert (person.upt, person.source_submission, person.first_run, person.last_run) == (world.upt_a, sub, run, run)
    assert person.nik == "3301021705900001" and person.sentence_years == 4
    movement = NationalMovement.objects.get()
    assert (movement.upt, movement.other_upt, movement.kind) == (world.upt_a, world.upt_b, "TRANSFER_IN")
    assert NationalRemission.objects.get().days == 30
    assert run.rows_written == 3


def test_the_latest_package_of_a_unit_wins_for_a_key(world):
    package(world.upt_a, kind="delta", persons=[person_values("BI/1", full_name="Versi Satu")])
    package(world.upt_a, kind="delta", persons=[person_values("BI/1", full_name="Versi Dua")])
    run = consolidate(world.central)
    assert names() == {"BI/1": "Versi Dua"}
    assert run.rows_written == 1


def test_a_rejected_later_row_leaves_the_earlier_accepted_one(world):
    package(world.upt_a, kind="delta", persons=[person_values("BI/1", full_name="Benar")])
    package(world.upt_a, kind="delta", persons=[person_values("BI/1", full_name="Salah", sex="?")])
    consolidate(world.central)
    assert names() == {"BI/1": "Benar"}


def test_the_same_registration_number_in_two_units_is_two_records(world):
    package(world.upt_a, persons=[person_values("REG/1", full_name="Di A")])
    package(world.upt_b, persons=[person_values("REG/1", full_name="Di B", nik="")])
    consolidate(world.central)
    assert set(NationalPerson.objects.values_list("upt__code", "full_name")) == {("LP3301", "Di A"), ("LP3302", "Di B")}


def test_unchanged_rows_are_not_rewritten(world):
    package(world.upt_a, persons=[person_values("BI/1"), person_values("BI/2", nik="")])
    first = consolidate(world.central)
    package(world.upt_a, persons=[person_values("BI/1"), person_values("BI/2", nik="", cell="7B")])
    second = consolidate(world.central)
    assert second.rows_written == 1
    runs = dict(NationalPerson.objects.values_list("reg_number", "last_run"))
    assert runs == {"BI/1": first.pk, "BI/2": second.pk}
    assert NationalPerson.objects.get(reg_number="BI/2").first_run_id == first.pk


def test_a_tombstone_deletes_and_a_later_row_brings_back(world):
    package(world.upt_a, persons=[person_values("BI/1"), person_values("BI/2", nik="")])
    consolidate(world.central)
    package(world.upt_a, kind="delta", deletions=[("person", "BI/1"), ("person", "BI/2")])
    package(world.upt_a, kind="delta", persons=[person_values("BI/2", nik="", full_name="Kembali")])
    run = consolidate(world.central)
    assert names() == {"BI/2": "Kembali"}
    assert run.rows_written == 2  # one deletion, one update


def test_tombstones_of_movements_and_remissions(world):
    movement, remission = movement_values(), remission_values()
    package(world.upt_a, persons=[person_values()], movements=[movement], remissions=[remission])
    consolidate(world.central)
    package(
        world.upt_a,
        kind="delta",
        deletions=[("movement", str(movement["uid"])), ("remission", str(remission["uid"]).upper())],
    )
    consolidate(world.central)
    assert not NationalMovement.objects.exists()
    assert not NationalRemission.objects.exists()
    assert NationalPerson.objects.count() == 1


def test_a_full_snapshot_removes_what_the_unit_no_longer_has(world):
    movement = movement_values("BI/2")
    package(world.upt_a, persons=[person_values("BI/1"), person_values("BI/2", nik="")], movements=[movement])
    package(world.upt_b, persons=[person_values("BI/9", nik="")])
    consolidate(world.central)
    package(world.upt_a, kind="full", persons=[person_values("BI/1")])
    run = consolidate(world.central)
    assert set(NationalPerson.objects.values_list("upt__code", "reg_number")) == {
        ("LP3301", "BI/1"),
        ("LP3302", "BI/9"),
    }
    assert not NationalMovement.objects.exists()
    assert run.rows_written == 2


def test_a_full_snapshot_keeps_a_key_whose_new_row_is_rejected(world):
    package(world.upt_a, persons=[person_values("BI/1", full_name="Lama")])
    consolidate(world.central)
    package(world.upt_a, kind="full", persons=[person_values("BI/1", full_name="Baru", sex="?")])
    consolidate(world.central)
    assert names() == {"BI/1": "Lama"}


def test_a_full_snapshot_supersedes_what_its_unit_sent_before_it_in_the_run(world):
    older = package(world.upt_a, kind="delta", persons=[person_values("BI/OLD", nik="")])
    package(world.upt_a, kind="full", persons=[person_values("BI/1")])
    package(world.upt_a, kind="delta", persons=[person_values("BI/2", nik="")])
    consolidate(world.central)
    assert set(names()) == {"BI/1", "BI/2"}
    older.refresh_from_db()
    assert older.state == "accepted"  # validated and answered, but superseded by the snapshot


def test_submissions_get_final_states_counts_and_per_unit_results(world):
    a1 = package(world.upt_a, kind="delta", persons=[person_values("BI/1"), person_values("BI/2", nik="", sex="?")])
    a2 = package(world.upt_a, kind="delta", persons=[person_values("BI/3", nik="", religion="JEDI")])
    b1 = package(world.upt_b, persons=[person_values("BI/1", nik="")], movements=[movement_values("BI/1")])
    run = consolidate(world.central)
    for sub in (a1, a2, b1):
        sub.refresh_from_db()
        assert sub.run == run and sub.consolidated_at is not None
    assert (a1.state, a1.rows_accepted, a1.rows_rejected, a1.rows_warned) == ("partial", 1, 1, 0)
    assert (a2.state, a2.rows_accepted, a2.rows_rejected, a2.rows_warned) == ("accepted", 1, 0, 1)
    assert (b1.state, b1.rows_accepted) == ("accepted", 2)
    results = {r.upt.code: r for r in RunUptResult.objects.filter(run=run)}
    a = results["LP3301"]
    assert (a.submissions_count, a.rows_received, a.rows_accepted, a.rows_rejected, a.rows_warned) == (2, 3, 2, 1, 1)
    assert (results["LP3302"].rows_received, results["LP3302"].rows_accepted) == (2, 2)
    assert "LP3101" not in results
    assert (run.submissions_count, run.rows_received, run.rows_accepted, run.rows_rejected, run.rows_warned) == (
        3,
        5,
        4,
        1,
        1,
    )


def test_a_package_arriving_during_a_run_waits_for_the_next(world):
    from central.services.consolidation.runs import _claim, _execute_claimed

    early = package(world.upt_a, persons=[person_values("BI/1")])
    request = consolidation_request(user=world.central, trigger="command", enqueue=False)
    run = _claim(request.run.pk)  # the run has started and taken what was received until now
    early.refresh_from_db()
    assert (early.state, early.run) == ("validating", run)
    late = package(world.upt_b, persons=[person_values("BI/2", nik="")])
    run = _execute_claimed(run, final_attempt=True)
    early.refresh_from_db()
    late.refresh_from_db()
    assert run.state == "succeeded" and run.submissions_count == 1
    assert (early.state, early.run) == ("accepted", run)
    assert (late.state, late.run) == ("received", None)
    assert list(NationalPerson.objects.values_list("reg_number", flat=True)) == ["BI/1"]

    following = consolidate(world.central)
    late.refresh_from_db()
    assert (late.state, late.run) == ("accepted", following)
    assert following.submissions_count == 1


def test_two_runs_over_the_same_input_give_the_same_register(world):
    rows = {
        "persons": [
            person_values("BI/1"),
            person_values("BI/2", nik="", religion="JEDI"),
            person_values("BI/3", sex="?"),
        ],
        "movements": [movement_values("BI/1"), movement_values("BI/1", kind="TRANSFER_OUT", other_upt_code="LP3302")],
        "remissions": [remission_values("BI/1")],
    }
    package(world.upt_a, **rows)
    package(world.upt_b, persons=[person_values("BI/1", admission_date=today() - timedelta(days=3))])
    consolidate(world.central)
    first = register_state()
    issues_first = _issues(RowIssue.objects.all())

    # The same packages sent again change nothing.
    package(world.upt_a, **rows)
    package(world.upt_b, persons=[person_values("BI/1", admission_date=today() - timedelta(days=3))])
    again = consolidate(world.central)
    assert again.rows_written == 0
    assert again.conflicts_found == 0
    assert register_state() == first

    # And a register rebuilt from scratch from the same input is the same register.
    _wipe_register()
    Submission.objects.exclude(run=again).update(state="received", run=None)
    Submission.objects.filter(run=again).delete()
    rebuilt = consolidate(world.central)
    assert rebuilt.state == "succeeded"
    assert register_state() == first
    assert _issues(RowIssue.objects.filter(run=rebuilt)) == issues_first


def _issues(queryset) -> list[tuple]:
    """Row issues, comparable across runs: unit, key, rule, detail code and arguments."""
    rows = queryset.values_list("submission__upt__code", "record_key", "rule", "detail_code", "detail_args")
    return sorted((*row[:-1], json.dumps(row[-1], sort_keys=True)) for row in rows)


def _wipe_register():
    from central.models import Conflict, OccupancyBreakdown, OccupancySnapshot, PersonIdentity, RunUptResult

    Conflict.objects.all().delete()
    OccupancyBreakdown.objects.all().delete()
    OccupancySnapshot.objects.all().delete()
    NationalMovement.objects.all().delete()
    NationalRemission.objects.all().delete()
    NationalPerson.objects.all().delete()
    PersonIdentity.objects.all().delete()
    RowIssue.objects.all().delete()
    RunUptResult.objects.all().delete()


def _hot_updates(table: str) -> tuple[int, int]:
    """(rows updated, of them heap-only) in this test's transaction, from PostgreSQL's own counters."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s", [table])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


def test_a_changed_cell_note_or_decree_rewrites_the_row_without_touching_its_indexes(world):
    """A run's writes are heap-only (HOT) updates when what changed is not indexed: the register indexes
    neither the run nor the package that wrote a row (central/models/register.py)."""
    transfer, decree = uuid.uuid4(), uuid.uuid4()
    package(
        world.upt_a,
        persons=[person_values("BI/1"), person_values("BI/2", nik="")],
        movements=[movement_values("BI/1", uid=transfer, kind="TRANSFER_IN", other_upt_code=world.upt_b.code)],
        remissions=[remission_values("BI/1", uid=decree)],
    )
    consolidate(world.central)
    before = {
        t: _hot_updates(t) for t in ("central_nationalperson", "central_nationalmovement", "central_nationalremission")
    }
    package(
        world.upt_a,
        persons=[person_values("BI/1", cell="9C"), person_values("BI/2", nik="", cell="7B")],
        movements=[
            movement_values("BI/1", uid=transfer, kind="TRANSFER_IN", other_upt_code=world.upt_b.code, note="Koreksi")
        ],
        remissions=[remission_values("BI/1", uid=decree, decree_number="SK-2/2026")],
    )
    run = consolidate(world.central)
    assert run.rows_written == 4
    after = {t: _hot_updates(t) for t in before}
    changes = {t: (after[t][0] - before[t][0], after[t][1] - before[t][1]) for t in before}
    assert changes == {
        "central_nationalperson": (2, 2),
        "central_nationalmovement": (1, 1),
        "central_nationalremission": (1, 1),
    }
