"""Runs: one at a time whatever the trigger, the permission on every trigger, failures that leave the register
as it was, runs whose worker died, transient errors, and progress that other sessions see mid-run."""

from __future__ import annotations

import threading
import time
from io import StringIO

import psycopg
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, connections

from central.models import AuditEvent, ConsolidationRun, NationalPerson, OccupancySnapshot, RowIssue, Submission
from central.services.consolidation import (
    ConsolidationRetry,
    consolidation_execute,
    consolidation_reap_stale,
    consolidation_request,
)
from central.tasks import consolidation_run_task, consolidation_scheduled_task
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, register_state

D_PERSONS = [person_values("BI/1"), person_values("BI/2", nik="", religion="JEDI")]


def _raw_connection():
    """A connection of the test's own, outside Django (another session, as another process would have)."""
    params = connection.get_connection_params()
    return psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        autocommit=True,
    )


# --- permission on every trigger ---------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_a", "operator_b", "monitor_x", "monitor_y", "no_role"])
@pytest.mark.parametrize("trigger", ["button", "api", "admin", "command"])
def test_only_central_may_trigger(world, who, trigger):
    with pytest.raises(PermissionDenied):
        consolidation_request(user=getattr(world, who), trigger=trigger)
    assert not ConsolidationRun.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_trigger(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            consolidation_request(user=user, trigger="button")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["central", "admin"])
def test_central_and_admin_trigger_and_it_is_audited(world, who, django_capture_on_commit_callbacks):
    user = getattr(world, who)
    with django_capture_on_commit_callbacks() as callbacks:
        request = consolidation_request(user=user, trigger="button")
    assert request.created and request.run.state == "queued" and request.run.triggered_by == user
    assert len(callbacks) == 1  # the task is queued once the transaction commits
    event = AuditEvent.objects.get(action="consolidation_run")
    assert (event.actor, event.object_id) == (user, str(request.run.pk))


# --- one at a time -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_second_trigger_returns_the_queued_run(world, django_capture_on_commit_callbacks):
    first = consolidation_request(user=world.central, trigger="button")
    with django_capture_on_commit_callbacks() as callbacks:
        second = consolidation_request(trigger="schedule")
    assert not second.created and second.run == first.run
    assert len(callbacks) == 1  # sent again: recovers a run whose broker message was lost
    assert ConsolidationRun.objects.count() == 1


@pytest.mark.django_db
def test_a_trigger_while_running_returns_the_running_run(world):
    first = consolidation_request(user=world.central, trigger="button", enqueue=False)
    ConsolidationRun.objects.filter(pk=first.run.pk).update(state="running")
    other = _raw_connection()
    try:
        # A live executor holds the runner lock: the run is not mistaken for a dead one.
        other.execute("SELECT pg_advisory_lock(737, hashtext(current_schema()))")
        second = consolidation_request(user=world.admin, trigger="api")
    finally:
        other.close()
    assert not second.created and second.run.pk == first.run.pk and second.run.state == "running"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_triggers_make_one_run(world):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def trigger(user, kind):
        try:
            barrier.wait(timeout=10)
            results.append(consolidation_request(user=user, trigger=kind, enqueue=False))
        except Exception as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=trigger, args=(u, k))
        for u, k in [(world.central, "button"), (world.admin, "api"), (None, "schedule"), (world.central, "command")]
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert ConsolidationRun.objects.count() == 1
    assert len({r.run.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1


@pytest.mark.django_db
def test_executing_a_finished_run_again_does_nothing(world):
    package(world.upt_a, persons=D_PERSONS)
    run = consolidate(world.central)
    state = register_state()
    again = consolidation_execute(run_id=run.pk)
    assert again.state == "succeeded" and again.finished_at == run.finished_at
    assert register_state() == state


# --- every trigger path ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_button_path_runs_the_task(world, django_capture_on_commit_callbacks):
    package(world.upt_a, persons=D_PERSONS)
    with django_capture_on_commit_callbacks(execute=True):
        request = consolidation_request(user=world.central, trigger="button")
    request.run.refresh_from_db()
    assert request.run.state == "succeeded"
    assert NationalPerson.objects.count() == 2


@pytest.mark.django_db
def test_the_schedule_acts_as_the_system(world, django_capture_on_commit_callbacks):
    package(world.upt_a, persons=D_PERSONS)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = consolidation_scheduled_task.delay().get()
    run = ConsolidationRun.objects.get(pk=run_id)
    assert (run.trigger, run.triggered_by, run.state) == ("schedule", None, "succeeded")
    assert AuditEvent.objects.get(action="consolidation_run").actor_username == "sistem"


@pytest.mark.django_db
def test_the_task_executes_a_queued_run(world):
    package(world.upt_a, persons=D_PERSONS)
    request = consolidation_request(user=world.central, trigger="api", enqueue=False)
    assert consolidation_run_task.delay(request.run.pk).get() == "succeeded"


@pytest.mark.django_db
def test_command_runs_synchronously(world):
    package(world.upt_a, persons=D_PERSONS)
    out = StringIO()
    call_command("consolidate", user="pusat", stdout=out)
    run = ConsolidationRun.objects.get()
    assert (run.trigger, run.triggered_by, run.state) == ("command", world.central, "succeeded")
    assert f"Konsolidasi #{run.pk} berhasil" in out.getvalue()
    call_command("consolidate", scheduled=True, stdout=StringIO())
    assert ConsolidationRun.objects.filter(trigger="schedule", triggered_by=None, state="succeeded").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["op_a", "kanwil_x", "tanpa_peran"])
def test_command_refuses_unit_users(world, username):
    with pytest.raises(CommandError, match="Ditolak"):
        call_command("consolidate", user=username, stdout=StringIO())
    assert not ConsolidationRun.objects.exists()


@pytest.mark.django_db
def test_command_needs_a_known_user(world):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("consolidate", user="siapa", stdout=StringIO())


@pytest.mark.django_db
def test_command_runs_a_queued_run_instead_of_starting_another(world):
    queued = consolidation_request(user=world.central, trigger="button", enqueue=False).run
    out = StringIO()
    call_command("consolidate", user="pusat", stdout=out)
    queued.refresh_from_db()
    assert queued.state == "succeeded" and ConsolidationRun.objects.count() == 1
    assert "sudah dalam antrean" in out.getvalue()


# --- failures ----------------------------------------------------------------------------------------
def _break_snapshot_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION sdp_test_fail() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk penuh (uji)'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER sdp_test_fail BEFORE INSERT ON {OccupancySnapshot._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION sdp_test_fail()"
        )


def _repair_snapshot_table():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER sdp_test_fail ON {OccupancySnapshot._meta.db_table}")
        cursor.execute("DROP FUNCTION sdp_test_fail()")


@pytest.mark.django_db
def test_a_database_error_midway_leaves_the_register_as_it_was(world):
    package(world.upt_a, persons=[person_values("BI/1")])
    consolidate(world.central)
    before = register_state()
    delta = package(
        world.upt_a,
        kind="delta",
        persons=[person_values("BI/1", cell="9"), person_values("BI/3", nik="", sex="?")],
        movements=[movement_values("BI/1")],
    )
    _break_snapshot_table()
    failed = consolidate(world.central)
    assert failed.state == "failed"
    assert "disk penuh (uji)" in failed.error and failed.finished_at is not None
    assert register_state() == before
    assert not RowIssue.objects.filter(run=failed).exists()
    delta.refresh_from_db()
    assert (delta.state, delta.run) == ("received", None)  # back in the inbox for the next run

    _repair_snapshot_table()
    rerun = consolidate(world.central)
    assert rerun.state == "succeeded" and rerun.submissions_count == 1
    delta.refresh_from_db()
    assert (delta.state, delta.run) == ("partial", rerun)
    assert NationalPerson.objects.get(reg_number="BI/1").cell == "9"


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_failed_by_the_next_trigger(world):
    sub = package(world.upt_a, persons=D_PERSONS)
    dead = consolidation_request(user=world.central, trigger="button", enqueue=False).run
    from central.services.consolidation.runs import _claim

    _claim(dead.pk)  # the worker claimed it, then died (no process holds the runner lock)
    request = consolidation_request(user=world.central, trigger="button", enqueue=False)
    dead.refresh_from_db()
    assert dead.state == "failed" and "Proses pekerja berhenti" in dead.error
    assert request.created and request.run != dead
    sub.refresh_from_db()
    assert (sub.state, sub.run) == ("received", None)


@pytest.mark.django_db
def test_a_redelivered_task_of_a_dead_run_marks_it_failed(world):
    dead = consolidation_request(user=world.central, trigger="button", enqueue=False).run
    ConsolidationRun.objects.filter(pk=dead.pk).update(state="running")
    assert consolidation_execute(run_id=dead.pk).state == "failed"
    assert consolidation_reap_stale() == []


@pytest.mark.django_db(transaction=True)
def test_a_transient_error_queues_the_run_again(world):
    package(world.upt_a, persons=D_PERSONS)
    run = consolidation_request(user=world.central, trigger="api", enqueue=False).run
    holder = _raw_connection()
    try:
        holder.execute("BEGIN")
        holder.execute(f"LOCK TABLE {OccupancySnapshot._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        with pytest.raises(ConsolidationRetry):
            consolidation_execute(run_id=run.pk, final_attempt=False)
        run.refresh_from_db()
        assert run.state == "queued" and "lock" in run.error.lower()
        assert Submission.objects.get().state == "received"
        assert not NationalPerson.objects.exists()
    finally:
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert consolidation_execute(run_id=run.pk).state == "succeeded"
    assert NationalPerson.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_register_is_not_yet(world):
    """Other sessions (the page) see the step and percentage of a run mid-way, while everything it writes
    stays invisible until it commits."""
    package(world.upt_a, persons=D_PERSONS)
    run = consolidation_request(user=world.central, trigger="button", enqueue=False).run
    holder = _raw_connection()
    holder.execute("BEGIN")
    holder.execute(f"LOCK TABLE {OccupancySnapshot._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    outcome = {}

    def work():
        try:
            outcome["run"] = consolidation_execute(run_id=run.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        seen = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen = ConsolidationRun.objects.values_list("state", "step", "progress").get(pk=run.pk)
            if seen[1] == "Snapshot hunian harian":
                break
            time.sleep(0.05)
        assert seen == ("running", "Snapshot hunian harian", 88)
        assert not NationalPerson.objects.exists()  # written, but not committed
        assert Submission.objects.get().state == "validating"
    finally:
        holder.close()
        worker.join(60)
    assert outcome["run"].state == "succeeded"
    assert NationalPerson.objects.count() == 2
