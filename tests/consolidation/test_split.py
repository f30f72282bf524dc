"""A run split per Kanwil, in this process: the same result as one worker, parts left by a dead worker done by
the executor, and nothing kept from the parts of a run that failed. Real workers: ``tests/faults``."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from central.models import ConsolidationPart, ConsolidationRun, RowIssue, StagedMovement, Submission
from central.services.consolidation import consolidation_execute, consolidation_part_execute, consolidation_request
from central.services.consolidation.parts import consolidation_parts_create
from central.services.consolidation.runs import _claim, _requeue
from tests.consolidation.helpers import (
    consolidation_wipe,
    full_state,
    movement_values,
    package,
    person_values,
    scenario,
)
from tests.consolidation.test_runs import _break_snapshot_table, _raw_connection, _repair_snapshot_table


def _consolidate(user, split: str) -> ConsolidationRun:
    run = consolidation_request(user=user, trigger="command", enqueue=False, split=split).run
    assert run.split == split
    return consolidation_execute(run_id=run.pk)


def _both_phases(world, split: str) -> dict:
    for phase in (1, 2):
        scenario(phase, world.upt_a, world.upt_b, world.upt_c)
        assert _consolidate(world.central, split).state == "succeeded"
    return full_state()


@pytest.mark.django_db
def test_a_split_run_gives_the_same_result_as_one_worker(world):
    single = _both_phases(world, "none")
    assert single["issues"] and single["conflicts"] and single["results"]
    assert not ConsolidationPart.objects.exists()
    consolidation_wipe()

    split = _both_phases(world, "kanwil")
    assert split == single
    parts = ConsolidationPart.objects.order_by("run_id", "kanwil__code")
    # Phase 1 has packages from Jawa Tengah only, phase 2 from Jawa Tengah and DKI Jakarta.
    assert [(p.kanwil.code, p.submissions_count) for p in parts] == [("33", 2), ("31", 1), ("33", 3)]
    assert all(p.done_at and p.done_by for p in parts)


@pytest.mark.django_db
def test_the_setting_chooses_the_split_of_a_new_run(world, settings):
    settings.CONSOLIDATION_SPLIT = "kanwil"
    assert consolidation_request(user=world.central, trigger="button", enqueue=False).run.split == "kanwil"


@pytest.mark.django_db(transaction=True)
def test_a_part_held_by_a_worker_that_dies_is_done_by_the_executor(world):
    """The executor waits for a part whose lock a live process holds, and does it once that process is gone."""
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="12")])
    package(world.upt_c, persons=[person_values("C/1", nik="99")])
    run = consolidation_request(user=world.central, trigger="button", enqueue=False, split="kanwil").run
    # The parts the executor will find (it creates those missing): Jawa Tengah's is held by another worker.
    parts = [ConsolidationPart.objects.create(run=run, kanwil=k).pk for k in (world.kanwil_x, world.kanwil_y)]
    worker = _raw_connection()  # another worker, working on the first part
    worker.execute("SELECT pg_advisory_lock(738, %s)", [parts[0]])
    outcome = {}

    def execute():
        try:
            outcome["run"] = consolidation_execute(run_id=run.pk)
        finally:
            connections.close_all()

    executor = threading.Thread(target=execute)
    executor.start()
    try:
        deadline = time.monotonic() + 30
        while ConsolidationPart.objects.filter(pk=parts[1], done_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the executor never did the free part"
            time.sleep(0.05)
        assert ConsolidationPart.objects.get(pk=parts[0]).done_at is None  # still held: the executor waits
        assert ConsolidationRun.objects.get(pk=run.pk).state == "running"
    finally:
        worker.close()  # the worker dies; its lock goes with its connection
        executor.join(60)
    assert outcome["run"].state == "succeeded"
    assert ConsolidationPart.objects.filter(run=run, done_at__isnull=False).count() == 2
    assert set(RowIssue.objects.filter(run=run).values_list("record_key", flat=True)) >= {"A/2", "C/1"}


@pytest.mark.django_db
def test_a_failed_split_run_keeps_none_of_its_parts(world):
    sub = package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="12")])
    _break_snapshot_table()
    failed = _consolidate(world.central, "kanwil")
    assert failed.state == "failed" and "disk penuh (uji)" in failed.error
    assert not RowIssue.objects.exists() and not ConsolidationPart.objects.exists()
    sub.refresh_from_db()
    assert (sub.state, sub.run) == ("received", None)
    _repair_snapshot_table()
    rerun = _consolidate(world.central, "kanwil")
    assert rerun.state == "succeeded"
    assert list(RowIssue.objects.values_list("run", "record_key", "rule")) == [(rerun.pk, "A/2", "P_NIK_FORMAT")]


@pytest.mark.django_db
def test_a_part_of_a_run_no_longer_running_is_not_done(world):
    package(world.upt_a, persons=[person_values("A/2", nik="12")])
    run = consolidation_request(user=world.central, trigger="button", enqueue=False, split="kanwil").run
    _claim(run.pk)
    (part,) = consolidation_parts_create(run=ConsolidationRun.objects.get(pk=run.pk))
    ConsolidationRun.objects.filter(pk=run.pk).update(state="failed")
    assert consolidation_part_execute(run_id=run.pk, part_id=part) is False
    assert not RowIssue.objects.exists()
    assert ConsolidationPart.objects.get(pk=part).done_at is None
    assert Submission.objects.get().state == "validating"


@pytest.mark.django_db
def test_the_run_admin_shows_each_part_and_who_did_it(world, client_for):
    package(world.upt_a, persons=[person_values("A/1")])
    run = _consolidate(world.central, "kanwil")
    (part,) = run.parts.all()
    page = client_for(world.central).get(reverse("admin:central_consolidationrun_change", args=[run.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Dibagi per Kanwil" in body and world.kanwil_x.name in body and part.done_by in body


@pytest.mark.django_db(transaction=True)
def test_a_part_outlived_by_its_claim_keeps_nothing(world):
    """A part still validating when its run is queued again (a transient error) and claimed again must not
    commit: the new claim's parts write the run's issues anew, and they would be doubled."""
    package(world.upt_a, persons=[person_values("A/2", nik="12")], movements=[movement_values("A/2")])
    run = consolidation_request(user=world.central, trigger="button", enqueue=False, split="kanwil").run
    _claim(run.pk)
    (part,) = consolidation_parts_create(run=ConsolidationRun.objects.get(pk=run.pk))
    table = StagedMovement._meta.db_table
    holder = _raw_connection()  # the part stops at the movements, after writing the people's issues
    holder.execute("BEGIN")
    holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    outcome = {}

    def work():
        try:
            outcome["done"] = consolidation_part_execute(run_id=run.pk, part_id=part)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while not holder.execute(
            "SELECT 1 FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table]
        ).fetchone():
            assert time.monotonic() < deadline, "the part never reached the movements"
            time.sleep(0.05)
        _requeue(run.pk, "uji")
        assert _claim(run.pk) is not None
    finally:
        holder.close()
        worker.join(60)
    assert outcome["done"] is False
    assert not RowIssue.objects.exists()
