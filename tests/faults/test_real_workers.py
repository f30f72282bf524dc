"""The fault suite: real Celery workers (``celery -A sdp_project worker --pool=solo -c 1`` subprocesses on
Redis and the test database) and real faults, each ending with the national register compared, table by
table, with that of a clean run over the same packages (``full_state``: register, identities, conflicts,
snapshot, submissions, row issues, per-UPT results).

Faults injected here, and what each proves:

- *Split across two workers*: a run split per Kanwil, its parts done by two worker processes, gives exactly
  the result of an unsplit run by one worker.
- *Executor SIGKILLed mid-run* (unsplit and split; killed while the run is visibly at its snapshot step):
  the register is as before the run, the dead run is marked failed with its reason by the next trigger,
  its submissions go back to the inbox and its parts' issues are dropped; the rerun gives the clean result,
  every submission consolidated once.
- *A part's worker SIGKILLed, or its database connection terminated, mid-part*: the run's executor does
  that part again and the run succeeds with the clean result.
- *The executor's database connection terminated mid-run* (``pg_terminate_backend``): a transient error;
  the run is queued again and then succeeds with the clean result.
- *Consolidation triggered twice at once* over real HTTP (``POST /api/v1/consolidations/`` from two
  threads): one run, executed once by the workers.
- *The same package sent twice at once* over real HTTP (``POST /api/v1/submissions/`` from two threads):
  one submission, and after a run by the workers nothing in the register twice.

In-process tests of the same guarantees, not repeated here: ``tests/consolidation/test_runs.py`` (two
simultaneous triggers through the service, a database error midway, a run whose worker died failed by the
next trigger, transient errors, progress visible mid-run), ``tests/consolidation/test_split.py`` (split
equals unsplit, a part held by a dying worker, a failed split run keeps no issues) and ``tests/inbox/``
(identical and conflicting concurrent receipts through the service).
"""

from __future__ import annotations

import json
import threading
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.db import connection, connections

from central.models import (
    ConsolidationPart,
    ConsolidationRun,
    NationalPerson,
    OccupancySnapshot,
    RowIssue,
    RunUptResult,
    StagedPerson,
    Submission,
)
from central.services.consolidation import consolidation_reap_stale, consolidation_request
from devtools.package_synthetic import synthetic_package
from tests.consolidation.helpers import consolidation_wipe, full_state, scenario
from tests.consolidation.test_runs import _raw_connection
from tests.factories import api_token
from tests.faults.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RUNNER_LOCK, PART_LOCK = 737, 738
SNAPSHOT_STEP = "Snapshot hunian harian"
PARTS_STEP = "Validasi data per Kanwil"


def _trigger(world, split: str) -> ConsolidationRun:
    """The button's path: the service queues the run for the workers once its transaction commits."""
    return consolidation_request(user=world.central, trigger="button", split=split).run


def _ended(run_id: int, workers) -> ConsolidationRun:
    return wait_for(
        lambda: ConsolidationRun.objects.filter(pk=run_id, state__in=("succeeded", "failed")).first(),
        f"run {run_id} to end",
        workers=workers,
    )


def _succeeds(world, workers, split: str) -> ConsolidationRun:
    run = _ended(_trigger(world, split).pk, workers)
    assert run.state == "succeeded", run.error + workers.logs()
    return run


def _clean_result(world, workers, split: str = "none") -> dict:
    """What a clean run gives over the same packages: everything forgotten, both phases run again."""
    consolidation_wipe()
    for phase in (1, 2):
        scenario(phase, world.upt_a, world.upt_b, world.upt_c)
        _succeeds(world, workers, split)
    return full_state()


def _consolidated_once() -> None:
    """No submission lost or doubled: each belongs to one succeeded run and is counted in one result."""
    subs = Submission.objects.all()
    assert subs.exists() and not subs.exclude(run__state="succeeded").exists()
    assert sum(RunUptResult.objects.values_list("submissions_count", flat=True)) == subs.count()


def _hold(table: str):
    """Another session holding ``table`` exclusively: whoever reaches it waits, visibly, mid-run."""
    holder = _raw_connection()
    holder.execute("BEGIN")
    holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return holder


def _backend_pid(classid: int, objid: int | None = None) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s "
            "AND (%s::int IS NULL OR objid = %s::int) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [classid, objid, objid],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


# --- scale-out -----------------------------------------------------------------------------------------
def test_two_workers_split_a_run_with_the_same_result_as_one(world, workers, real_celery, client_for):
    workers.ensure("w1", "w2")
    for phase in (1, 2):
        scenario(phase, world.upt_a, world.upt_b, world.upt_c)
        _succeeds(world, workers, "none")
    single = full_state()
    assert single["issues"] and single["conflicts"] and single["results"]

    consolidation_wipe()
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    _succeeds(world, workers, "kanwil")
    scenario(2, world.upt_a, world.upt_b, world.upt_c)
    holder = _hold(RowIssue._meta.db_table)  # the parts wait here until each worker has taken one
    try:
        run = _trigger(world, "kanwil")
        wait_for(lambda: len(workers.lock_holders(PART_LOCK)) == 2, "both workers to hold a part", workers=workers)
        # The status the "Jalankan konsolidasi" page polls shows the parts under way. (The page itself also
        # counts row issues, whose table is held here.)
        status = client_for(world.central).get(f"/api/v1/consolidations/{run.pk}/").json()
        assert (status["state"], status["step"], status["progress"]) == ("running", PARTS_STEP, 5)
    finally:
        holder.close()
    assert _ended(run.pk, workers).state == "succeeded"
    assert full_state() == single
    parts = ConsolidationPart.objects.filter(run=run)
    assert parts.count() == 2 and not parts.filter(done_at__isnull=True).exists()
    assert len(set(parts.values_list("done_by", flat=True))) == 2  # one Kanwil in each worker
    _consolidated_once()


# --- the executor dies ---------------------------------------------------------------------------------
@pytest.mark.parametrize("split", ["none", "kanwil"])
def test_the_executor_killed_mid_run_then_a_rerun(world, workers, real_celery, client_for, split):
    workers.ensure("w1", "w2")
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    _succeeds(world, workers, split)
    before = full_state()
    scenario(2, world.upt_a, world.upt_b, world.upt_c)

    holder = _hold(OccupancySnapshot._meta.db_table)
    try:
        run = _trigger(world, split)
        wait_for(
            lambda: ConsolidationRun.objects.filter(pk=run.pk, step=SNAPSHOT_STEP).exists(),
            "the run to reach its snapshot step",
            workers=workers,
        )
        page = client_for(world.central).get(f"/api/v1/consolidations/{run.pk}/").json()
        assert (page["state"], page["step"], page["progress"]) == ("running", SNAPSHOT_STEP, 88)
        (executor,) = workers.lock_holders(RUNNER_LOCK)
        workers.kill(executor)
    finally:
        holder.close()

    # The next trigger finds the run without its worker (once PostgreSQL has ended the dead session).
    wait_for(lambda: run.pk in consolidation_reap_stale(), "the dead run to be noticed", workers=workers)
    dead = ConsolidationRun.objects.get(pk=run.pk)
    assert dead.state == "failed" and "Proses pekerja berhenti" in dead.error and dead.finished_at
    assert not RowIssue.objects.filter(run=dead).exists() and not dead.parts.exists()
    assert set(Submission.objects.filter(run__isnull=True).values_list("state", flat=True)) == {"received"}
    assert full_state() | {"submissions": None} == before | {"submissions": None}  # the register as it was

    workers.ensure(executor)
    rerun = _succeeds(world, workers, split)
    assert rerun.submissions_count == 4
    after = full_state()
    _consolidated_once()
    assert after == _clean_result(world, workers, split)


# --- a part's worker dies, or loses its connection -------------------------------------------------------
@pytest.mark.parametrize("fault", ["sigkill", "connection"])
def test_a_part_lost_mid_way_is_done_again_by_the_executor(world, workers, real_celery, fault):
    workers.ensure("w1", "w2")
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    _succeeds(world, workers, "kanwil")
    scenario(2, world.upt_a, world.upt_b, world.upt_c)

    holder = _hold(RowIssue._meta.db_table)  # every part waits at its first row issue
    try:
        run = _trigger(world, "kanwil")
        holders = wait_for(
            lambda: (h := workers.lock_holders(PART_LOCK)) and len(h) == 2 and h,
            "both workers to hold a part",
            workers=workers,
        )
        (executor,) = workers.lock_holders(RUNNER_LOCK)
        (other,) = set(holders) - {executor}
        (lost_part,) = holders[other]
        if fault == "sigkill":
            workers.kill(other)
        else:
            _terminate(_backend_pid(PART_LOCK, lost_part))
    finally:
        holder.close()

    ended = _ended(run.pk, workers)
    assert ended.state == "succeeded", ended.error + workers.logs()
    part = ConsolidationPart.objects.get(pk=lost_part)
    assert part.done_at is not None
    executor_pids = {str(p.pid) for name, p in workers.procs.items() if name == executor}
    assert part.done_by.rsplit(":", 1)[1] in executor_pids  # done again by the run's executor
    workers.ensure(other)
    _consolidated_once()
    assert full_state() == _clean_result(world, workers)


# --- the executor's connection is cut --------------------------------------------------------------------
def test_the_executors_connection_terminated_mid_run(world, workers, real_celery):
    workers.ensure("w1", "w2")
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    _succeeds(world, workers, "none")
    scenario(2, world.upt_a, world.upt_b, world.upt_c)

    holder = _hold(OccupancySnapshot._meta.db_table)
    try:
        run = _trigger(world, "none")
        wait_for(
            lambda: ConsolidationRun.objects.filter(pk=run.pk, step=SNAPSHOT_STEP).exists(),
            "the run to reach its snapshot step",
            workers=workers,
        )
        (executor,) = workers.lock_holders(RUNNER_LOCK)
        _terminate(_backend_pid(RUNNER_LOCK))
    finally:
        holder.close()

    # A transient error: the worker queues the run again and its task retries it (after a back-off); a
    # trigger meanwhile hands the queued run to a worker at once.
    wait_for(
        lambda: "hit a transient error" in workers.log_path(executor).read_text(),
        "the worker to report the lost connection",
        workers=workers,
    )
    if ConsolidationRun.objects.filter(pk=run.pk, state="queued").exists():  # the retry may have come first
        again = consolidation_request(user=world.central, trigger="button")
        assert again.run.pk == run.pk and not again.created
    ended = _ended(run.pk, workers)
    assert ended.state == "succeeded", ended.error + workers.logs()
    _consolidated_once()
    assert full_state() == _clean_result(world, workers)


# --- concurrent requests over real HTTP --------------------------------------------------------------------
def _post_concurrently(live_server, path: str, token: str, body: bytes, times: int = 2) -> list[tuple[int, dict]]:
    """POST the same request from ``times`` threads at once, each on its own HTTP connection."""
    address = urlsplit(live_server.url)
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def post(i):
        http = HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            barrier.wait(10)
            http.request(
                "POST", path, body=body, headers={"Authorization": f"Token {token}", "Content-Type": "application/json"}
            )
            response = http.getresponse()
            results[i] = (response.status, json.loads(response.read() or b"{}"))
        finally:
            http.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return results


def test_two_simultaneous_triggers_over_http_make_one_run(world, workers, real_celery, live_server):
    workers.ensure("w1", "w2")
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    token = api_token(world.central)
    results = _post_concurrently(live_server, "/api/v1/consolidations/", token, b"{}")
    assert sorted(status for status, _body in results) == [200, 202], results
    assert len({body["id"] for _status, body in results}) == 1
    run = _ended(results[0][1]["id"], workers)
    assert run.state == "succeeded" and ConsolidationRun.objects.count() == 1
    _consolidated_once()
    connections.close_all()


def test_the_same_package_sent_twice_at_once_over_http(world, workers, real_celery, live_server):
    workers.ensure("w1", "w2")
    document = synthetic_package(upt_code=world.upt_a.code, persons=6, movements=4, remissions=2, seed=23)
    token = api_token(world.operator_a)
    results = _post_concurrently(live_server, "/api/v1/submissions/", token, json.dumps(document).encode())
    assert sorted(status for status, _body in results) == [200, 201], results
    assert Submission.objects.count() == 1 and StagedPerson.objects.count() == 6
    run = _succeeds(world, workers, "kanwil")
    assert run.submissions_count == 1
    rejected = RowIssue.objects.filter(record_type="person", severity="error").values("staged_row_id").distinct()
    written = NationalPerson.objects.count()
    assert written == 6 - rejected.count() == NationalPerson.objects.values("reg_number").distinct().count()
    _consolidated_once()
    connections.close_all()
