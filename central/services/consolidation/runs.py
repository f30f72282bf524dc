"""Consolidation runs: the one service behind every trigger, the claim that lets exactly one process
execute a run, and what happens when a run fails or its worker dies.

Every trigger — the daily schedule, the "Jalankan konsolidasi" button, ``POST /api/v1/consolidations/``,
the admin, ``manage.py consolidate`` — calls ``consolidation_request``. It checks central's object
permission (the schedule acts as the system), and returns the run already queued or running if there is
one; the database's partial unique index makes that true even for two triggers at the same instant.

``consolidation_execute`` runs a queued run: it takes the runner lock (``locks.RunnerLock``),
claims the run with a conditional ``UPDATE … WHERE state = 'queued'`` and marks the submissions it takes,
then does all the work in one transaction. If the process dies or the database fails midway, that
transaction rolls back: the national register is as it was, the run is marked failed with the reason, and
its submissions wait for the next run, which gives exactly the result a clean run would have.

A run split per Kanwil (``split="kanwil"``, from ``CONSOLIDATION_SPLIT`` or chosen per run) first has its
validation done in parts across the Celery workers (``parts``); the parts write only run-scoped row issues,
which a failed run drops, and the one transaction above then does the rest reading them.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass

from celery import signature
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from central.models import (
    ACTIVE_RUN_STATES,
    AuditAction,
    ConsolidationPart,
    ConsolidationRun,
    RowIssue,
    RunSplit,
    RunState,
    RunTrigger,
    Submission,
    SubmissionState,
)
from central.redaction import redact
from central.run_context import logs_run
from central.scoping import Action, has_central_permission
from central.services.audit import audit_record
from central.services.consolidation.engine import ConsolidationEngine
from central.services.consolidation.locks import RunnerLock
from central.services.consolidation.parts import consolidation_parts_execute
from central.services.consolidation.progress import ProgressWriter
from central.typing import AnyUser, User
from central.validation import validation_rules_sync

log = logging.getLogger(__name__)

# Errors worth another attempt: a lost connection, a deadlock or serialisation failure, a lock timeout.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# How long an executor waits for the runner lock; a trigger checking for dead workers holds it briefly.
LOCK_WAIT_SECONDS = 5.0

STEP_CLAIMED = gettext_noop("Mengambil kiriman")
STEP_DONE = gettext_noop("Selesai")
STEP_FAILED = gettext_noop("Gagal")
REASON_WORKER_DIED = gettext_noop(
    "Proses pekerja berhenti sebelum konsolidasi selesai; register nasional tidak berubah. "
    "Kiriman dikembalikan ke antrean untuk konsolidasi berikutnya."
)


class ConsolidationRetry(Exception):
    """A transient failure: the run is queued again and the task retries it."""


@dataclass(frozen=True)
class RunRequest:
    run: ConsolidationRun
    created: bool  # False: a run was already queued or running and is returned instead


def _active_run() -> ConsolidationRun | None:
    return ConsolidationRun.objects.filter(state__in=ACTIVE_RUN_STATES).order_by("pk").first()


RUN_TASK = "central.tasks.consolidation_run_task"


def _enqueue(run_id: int) -> None:
    # By name: the tasks module imports these services, never the other way round. The task is registered
    # in every process (CentralConfig.ready), so where tasks run in-process this still runs it at once.
    signature(RUN_TASK, args=(run_id,)).delay()


def consolidation_request(
    *,
    user: AnyUser | None = None,
    trigger: RunTrigger,
    enqueue: bool = True,
    request: HttpRequest | None = None,
    split: RunSplit | str | None = None,
) -> RunRequest:
    """Start a consolidation, or return the one already queued or running.

    Only holders of central's ``execute_consolidation`` object permission may start one; the daily
    schedule (``RunTrigger.SCHEDULE``) acts as the system. With ``enqueue`` the run is handed to a Celery
    worker once this transaction commits; without it the caller executes it (``manage.py consolidate``).
    ``split`` (default ``CONSOLIDATION_SPLIT``) says whether a new run is split per Kanwil across workers.
    """
    trigger = RunTrigger(trigger)
    split = RunSplit(split or settings.CONSOLIDATION_SPLIT)
    if trigger is RunTrigger.SCHEDULE:
        user = None
    elif not isinstance(user, User) or not has_central_permission(user, Action.CONSOLIDATE):
        raise PermissionDenied(_("Hanya pusat (Ditjenpas) yang dapat menjalankan konsolidasi."))
    consolidation_reap_stale()

    for _attempt in range(3):
        with transaction.atomic():
            active = _active_run()
            if active is not None:
                if enqueue and active.state == RunState.QUEUED:
                    # Harmless if its message is still on the broker (the claim lets one through), and it
                    # recovers a run whose message was lost with a broker restart.
                    transaction.on_commit(functools.partial(_enqueue, active.pk), robust=True)
                return RunRequest(active, False)
            try:
                with transaction.atomic():
                    run = ConsolidationRun.objects.create(trigger=trigger, triggered_by=user, split=split)
            except IntegrityError:
                continue  # another trigger created one at the same instant: return that one
            audit_record(
                action=AuditAction.CONSOLIDATION_TRIGGERED,
                actor=user,
                request=request,
                target=run,
                detail=str(trigger.label),
                username="" if user else "sistem",
            )
            if enqueue:
                transaction.on_commit(functools.partial(_enqueue, run.pk), robust=True)
            return RunRequest(run, True)
    active = _active_run()
    if active is None:  # pragma: no cover — three collisions with runs that all ended in between
        raise RuntimeError("Could not create or find the active consolidation run.")
    return RunRequest(active, False)


def _acquire(lock: RunnerLock) -> bool:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        if lock.acquire():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


@logs_run
def consolidation_execute(*, run_id: int, final_attempt: bool = True) -> ConsolidationRun | None:
    """Execute a queued run in this process and return it as it ended.

    Returns ``None`` when another live process is executing runs. A run that is not queued is returned
    untouched — unless it says *running* while this process holds the runner lock, which means its worker
    died: then it is marked failed. Run failures are recorded on the run, not raised; only a transient
    failure with attempts left raises ``ConsolidationRetry`` (the run is queued again).
    """
    lock = RunnerLock()
    if not _acquire(lock):
        return None
    try:
        run = _claim(run_id)
        if run is None:
            run = ConsolidationRun.objects.filter(pk=run_id).first()
            if run is not None and run.state == RunState.RUNNING:
                _fail(run.pk, REASON_WORKER_DIED)
                run.refresh_from_db()
            return run
        return _execute_claimed(run, final_attempt=final_attempt)
    finally:
        lock.release()


def _claim(run_id: int) -> ConsolidationRun | None:
    """queued → running, taking every submission received until now; None if the run is not queued."""
    now = timezone.now()
    with transaction.atomic():
        claimed = ConsolidationRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
            state=RunState.RUNNING,
            started_at=now,
            finished_at=None,
            snapshot_date=timezone.localdate(now),
            step=STEP_CLAIMED,
            progress=1,
            error="",
        )
        if not claimed:
            return None
        # A package that arrives after this statement waits for the next run.
        taken = Submission.objects.filter(state=SubmissionState.RECEIVED).update(
            state=SubmissionState.VALIDATING, run_id=run_id
        )
        ConsolidationRun.objects.filter(pk=run_id).update(submissions_count=taken)
    return ConsolidationRun.objects.get(pk=run_id)


def _execute_claimed(run: ConsolidationRun, *, final_attempt: bool) -> ConsolidationRun:
    progress = ProgressWriter(ConsolidationRun._meta.db_table, run.pk)
    split = run.split == RunSplit.KANWIL
    try:
        if split:
            validation_rules_sync()
            # Every Kanwil's row issues, committed part by part; nothing of the register yet.
            consolidation_parts_execute(run=run, progress=progress.write)
        # Durable: the register changes all at once or not at all (never nested in a caller's transaction).
        with transaction.atomic(durable=True):
            if not split:
                validation_rules_sync()
            assert run.snapshot_date is not None  # set when the run was claimed
            outcome = ConsolidationEngine(run, progress.write, today=run.snapshot_date).run_steps(validated=split)
            ConsolidationRun.objects.filter(pk=run.pk).update(
                state=RunState.SUCCEEDED,
                finished_at=timezone.now(),
                step=STEP_DONE,
                progress=100,
                submissions_count=outcome.submissions,
                rows_received=outcome.rows_received,
                rows_accepted=outcome.rows_accepted,
                rows_rejected=outcome.rows_rejected,
                rows_warned=outcome.rows_warned,
                rows_written=outcome.rows_written,
                conflicts_found=outcome.conflicts_found,
            )
    except TRANSIENT_ERRORS as exc:
        log.warning("Consolidation run %s hit a transient error: %s", run.pk, exc)
        _reset_connection()
        if not final_attempt:
            _requeue(run.pk, _describe(exc))
            raise ConsolidationRetry(str(exc)) from exc
        _fail(run.pk, _describe(exc))
    except Exception as exc:
        log.exception("Consolidation run %s failed.", run.pk)
        _reset_connection()
        _fail(run.pk, _describe(exc))
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def _describe(exc: BaseException) -> str:
    # Shown on the run's page to central and the Kanwil: a database error's quoted values (a NIK) are not.
    return redact(f"{type(exc).__name__}: {exc}")[:4000]


def _reset_connection() -> None:
    # After a lost connection Django must reconnect before the failure can be recorded.
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _drop_parts(run_id: int) -> None:
    # What parts of a split run committed is of no use to the next run, which takes the submissions anew
    # (perhaps with more); its issues would otherwise show twice on the UPT's correction list.
    RowIssue.objects.filter(run_id=run_id).delete()
    ConsolidationPart.objects.filter(run_id=run_id).delete()


def _fail(run_id: int, reason: str) -> None:
    """Mark the run failed and give its submissions back to the inbox for the next run."""
    try:
        with transaction.atomic():
            # First, so a part finishing now (it locks the run's row before it commits) sees the run failed.
            ConsolidationRun.objects.filter(pk=run_id).update(
                state=RunState.FAILED, finished_at=timezone.now(), step=STEP_FAILED, error=reason
            )
            _drop_parts(run_id)
            Submission.objects.filter(run_id=run_id, state=SubmissionState.VALIDATING).update(
                state=SubmissionState.RECEIVED, run=None
            )
    except Exception:
        # The database is unreachable: the run stays "running" with a free runner lock, and the next
        # trigger or worker start marks it failed.
        log.exception("Could not record the failure of consolidation run %s.", run_id)


def _requeue(run_id: int, reason: str) -> None:
    try:
        with transaction.atomic():
            ConsolidationRun.objects.filter(pk=run_id).update(state=RunState.QUEUED, error=reason, progress=0)
            _drop_parts(run_id)
            Submission.objects.filter(run_id=run_id, state=SubmissionState.VALIDATING).update(
                state=SubmissionState.RECEIVED, run=None
            )
    except Exception:
        log.exception("Could not queue consolidation run %s again.", run_id)


def consolidation_reap_stale() -> list[int]:
    """Mark failed every run that says *running* although no process holds the runner lock (its worker
    died). Returns their ids. Called by every trigger and when a worker starts."""
    if not ConsolidationRun.objects.filter(state=RunState.RUNNING).exists():
        return []
    lock = RunnerLock()
    if not lock.acquire():
        return []  # the executor is alive
    try:
        stale = list(ConsolidationRun.objects.filter(state=RunState.RUNNING).values_list("pk", flat=True))
        for run_id in stale:
            log.warning("Consolidation run %s lost its worker; marking it failed.", run_id, extra={"run_id": run_id})
            _fail(run_id, REASON_WORKER_DIED)
        return stale
    finally:
        lock.release()
