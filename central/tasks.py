"""Celery tasks: thin wrappers over the consolidation services (DESIGN §6). Arguments are JSON (ids)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from central.models import RunTrigger
from central.run_context import run_logging
from central.services.consolidation import (
    ConsolidationRetry,
    consolidation_execute,
    consolidation_part_execute,
    consolidation_reap_stale,
    consolidation_request,
)
from central.services.retention import staging_purge

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(ConsolidationRetry,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def consolidation_run_task(self, run_id: int) -> str | None:
    """Execute one queued run. Retried only for transient database errors."""
    run = consolidation_execute(run_id=run_id, final_attempt=self.request.retries >= self.max_retries)
    return None if run is None else run.state


@shared_task
def consolidation_part_task(run_id: int, part_id: int) -> bool:
    """One Kanwil's part of a split run. Never retried: a part left undone is done by the run's executor."""
    with run_logging(run_id):
        try:
            return consolidation_part_execute(run_id=run_id, part_id=part_id)
        except Exception:
            log.exception("Part %s of consolidation run %s failed here; the run's executor takes it.", part_id, run_id)
            return False


@shared_task
def consolidation_scheduled_task() -> int:
    """The daily run at ``CONSOLIDATION_TIME`` (WIB), started by the system."""
    return consolidation_request(trigger=RunTrigger.SCHEDULE).run.pk


@shared_task
def staging_purge_task() -> int:
    """The nightly staging purge (``STAGING_PURGE_TIME``): staged rows past the correction window go."""
    return staging_purge().total


@worker_ready.connect(dispatch_uid="sdp.consolidation.reap_on_worker_start")
def _reap_on_worker_start(**kwargs) -> None:
    # A worker that starts after a crash finds the run its predecessor left "running".
    try:
        consolidation_reap_stale()
    except Exception:
        log.exception("Could not check for consolidation runs left by a dead worker.")
