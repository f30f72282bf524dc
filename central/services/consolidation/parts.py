"""A run split per Kanwil across Celery workers (``ConsolidationRun.split == "kanwil"``).

The run's executor (``runs.consolidation_execute``, holding the runner lock) creates one part per Kanwil
with submissions in the run and hands each to a ``consolidation_part_task`` — a Celery group, not a chord:
the run's state lives in the database (the project keeps no result backend), and a chord's final step would
never fire if a part's worker died. Whoever does a part — a part task in another worker or the executor —
holds that part's advisory lock (``locks.PartLock``) and writes, in one transaction, the row issues of
the Kanwil's submissions and the part's *done* mark. The executor takes pending parts itself, so a run never
waits on busy or missing workers, then waits only for parts whose lock a live process holds; a part whose
worker died has a free lock and the executor does it again. When every part is done, the final national
step — the register, linkage across UPTs, conflicts, the snapshot and results — runs in one transaction
(``runs._execute_claimed``), reading the issues the parts wrote.

Parts never write the national register. A run that fails or is queued again loses its parts and their
issues (``runs._fail``), so a rerun starts from what a clean run would see, and the result equals a run
done by one worker: every validation rule compares a row only with rows of its own UPT.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

from celery import current_app, group, signature
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_noop

from central.models import ConsolidationPart, ConsolidationRun, RunState, Submission
from central.run_context import logs_run
from central.services.consolidation.engine import ConsolidationEngine
from central.services.consolidation.locks import PartLock

log = logging.getLogger(__name__)

STEP_PARTS = gettext_noop("Validasi data per Kanwil")
# How often the executor looks again at parts that other workers hold (a database read, no broker).
POLL_SECONDS = 0.2
# Progress while parts are done: validation takes this share of a run (the final step goes on from there).
PROGRESS_FIRST, PROGRESS_LAST = 5, 35


PART_TASK = "central.tasks.consolidation_part_task"


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _no_progress(step: str, progress: int) -> None:
    """A part reports progress once, when it is done (inside its own transaction)."""


def _dispatch_to_workers() -> bool:
    # In-process tasks (no broker) would only run the parts inside this very call: then the executor does
    # every part in turn.
    return not current_app.conf.task_always_eager


def consolidation_parts_create(*, run: ConsolidationRun) -> list[int]:
    """One part per Kanwil with submissions in the run (ordered by Kanwil code); returns the part ids."""
    kanwil_ids = (
        Submission.objects.filter(run=run)
        .order_by("upt__kanwil__code")
        .values_list("upt__kanwil_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        ConsolidationPart.objects.bulk_create(
            [ConsolidationPart(run=run, kanwil_id=k) for k in dict.fromkeys(kanwil_ids)], ignore_conflicts=True
        )
    return list(ConsolidationPart.objects.filter(run=run).order_by("kanwil__code").values_list("pk", flat=True))


def consolidation_parts_execute(*, run: ConsolidationRun, progress: Callable[[str, int], None] = _no_progress) -> None:
    """Create the run's parts, hand them to the workers, do those nobody works on, and return once every
    part is done. Errors of a part done here propagate (the run fails or retries, see ``runs``)."""
    part_ids = consolidation_parts_create(run=run)
    progress(STEP_PARTS, PROGRESS_FIRST)
    if part_ids and _dispatch_to_workers():
        # Reversed: the other workers start from the last Kanwil while this process starts from the first.
        # By name: the tasks module imports these services, never the other way round.
        group(signature(PART_TASK, args=(run.pk, pk), immutable=True) for pk in reversed(part_ids)).apply_async()
    while True:
        pending = list(
            ConsolidationPart.objects.filter(run=run, done_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        if not pending:
            return
        if not any([consolidation_part_execute(run_id=run.pk, part_id=pk) for pk in pending]):
            time.sleep(POLL_SECONDS)  # every pending part is held by a live worker


@logs_run
def consolidation_part_execute(*, run_id: int, part_id: int) -> bool:
    """Do one part if it is pending, its run is running and no other process holds it; True if done here."""
    lock = PartLock(part_id)
    if not lock.acquire():
        return False
    try:
        with transaction.atomic():
            part = ConsolidationPart.objects.filter(pk=part_id, run_id=run_id, done_at__isnull=True).first()
            run = ConsolidationRun.objects.filter(pk=run_id, state=RunState.RUNNING).first()
            if part is None or run is None:
                return False
            assert run.snapshot_date is not None  # set when the run was claimed
            taken = ConsolidationEngine(run, _no_progress, today=run.snapshot_date).validate_part(part.kanwil_id)
            # A run failed or queued again meanwhile has dropped its parts and their issues (and may have
            # been claimed again, with new parts): lock the run's row, then this part's, so that cannot
            # happen between this check and the commit, and keep nothing if it did.
            still_wanted = (
                ConsolidationRun.objects.select_for_update(no_key=True)
                .filter(pk=run_id, state=RunState.RUNNING)
                .values_list("pk", flat=True)
            )
            if not list(still_wanted) or not list(
                ConsolidationPart.objects.select_for_update().filter(pk=part_id, done_at__isnull=True).values("pk")
            ):
                transaction.set_rollback(True)
                return False
            ConsolidationPart.objects.filter(pk=part_id).update(
                done_at=timezone.now(), done_by=_worker_name(), submissions_count=taken
            )
            parts = ConsolidationPart.objects.filter(run_id=run_id)
            done, total = parts.filter(done_at__isnull=False).count(), parts.count()
            ConsolidationRun.objects.filter(pk=run_id).update(
                step=STEP_PARTS,
                progress=Greatest("progress", Value(PROGRESS_FIRST + (PROGRESS_LAST - PROGRESS_FIRST) * done // total)),
            )
        log.info("Part %s (Kanwil %s) of consolidation run %s done here.", part_id, part.kanwil_id, run_id)
        return True
    finally:
        lock.release()
