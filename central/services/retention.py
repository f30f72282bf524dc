"""Staging retention: the staged rows of consolidated packages go once their correction window has passed.

A package's staged rows are what a consolidation run reads; once the run has taken the package they are
needed only for the *correction window* (``STAGING_RETENTION_DAYS``, counted from ``consolidated_at``):
reopening the package for another run (``submission_reopen``), and the UPT's correction list. After it
they only fill the disk, a full national package every time a UPT sends one.

What stays, whatever its age:

- the ``Submission`` row (its content hash and state answer a repeated package id the same way, and its
  counts and results feed every report), its ``RowIssue`` rows and the run's ``RunUptResult`` rows;
- every staged row that has a row issue: the correction list reads it (the person to open for a movement
  or remission issue, and its content hash to say whether the record was sent again since). Those rows are
  a small share of a package and end with the issues themselves;
- everything of a package not consolidated yet (received, or taken by a run that is still working).

The purge never slows a consolidation run: it never takes the runner lock, deletes in short transactions
of at most ``STAGING_PURGE_BATCH`` rows, each with a short lock timeout, and stops between two batches as
soon as a run is queued or running (the next scheduled purge goes on where it stopped). It touches only
rows of packages a run has finished with, so a run's own rows are never among them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from central.models import (
    ACTIVE_RUN_STATES,
    ConsolidationRun,
    RecordType,
    RowIssue,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    SubmissionState,
)

log = logging.getLogger(__name__)

# A second purge (two beats by mistake, or the command while the schedule runs) skips instead of doubling
# the work. Two-key advisory lock, the first key next to consolidation's (737, 738).
_PURGE_LOCK_CLASS = 739
# A batch waits this long at most for a row lock before it gives way.
BATCH_LOCK_TIMEOUT = "1s"
FINAL_STATES = (SubmissionState.ACCEPTED, SubmissionState.PARTIAL, SubmissionState.REJECTED)

# (model, record type of its row issues or None): the order rows go in.
StagedModel = type[StagedPerson] | type[StagedMovement] | type[StagedRemission] | type[StagedDeletion]
STAGED_TABLES: tuple[tuple[StagedModel, str | None], ...] = (
    (StagedPerson, RecordType.PERSON),
    (StagedMovement, RecordType.MOVEMENT),
    (StagedRemission, RecordType.REMISSION),
    (StagedDeletion, None),
)


@dataclass
class PurgeResult:
    cutoff: datetime
    dry_run: bool
    submissions: int = 0  # consolidated packages past the window that still had rows to purge
    deleted: dict[str, int] = field(default_factory=dict)  # per table: rows deleted (or, dry run, to delete)
    kept: int = 0  # rows past the window kept because a row issue refers to them
    batches: int = 0
    yielded: bool = False  # stopped because a consolidation run was queued or running
    skipped: bool = False  # another purge was working

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def _run_active() -> bool:
    return ConsolidationRun.objects.filter(state__in=ACTIVE_RUN_STATES).exists()


def _eligible_submissions(cutoff: datetime) -> list[int]:
    """Consolidated packages past the window that still hold a row to purge. Packages purged on an earlier
    night (only their issue rows left) drop out here, one index probe each, instead of costing a DELETE per
    table every night for ever."""
    sub = Submission._meta.db_table
    has_rows = " OR ".join(
        "EXISTS ("
        + _purgeable_rows(model, record_type).replace("%(sub)s", "sb.id").replace("SELECT s.id", "SELECT 1", 1)
        + ")"
        for model, record_type in STAGED_TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sb.id FROM {sub} sb WHERE sb.state = ANY(%s) AND sb.consolidated_at < %s AND ({has_rows}) "
            "ORDER BY sb.consolidated_at, sb.id",
            [[str(s) for s in FINAL_STATES], cutoff],
        )
        return [row[0] for row in cursor.fetchall()]


def _purgeable_rows(model: StagedModel, record_type: str | None) -> str:
    """SQL selecting the ids of one submission's rows that may go (``%(sub)s``), issue rows excepted."""
    table = model._meta.db_table
    keep = ""
    if record_type is not None:
        keep = (
            f" AND NOT EXISTS (SELECT 1 FROM {RowIssue._meta.db_table} i WHERE i.submission_id = %(sub)s "
            f"AND i.record_type = '{record_type}' AND i.staged_row_id = s.id)"
        )
    return f"SELECT s.id FROM {table} s WHERE s.submission_id = %(sub)s{keep}"


def _past_window_rows(model: StagedModel, record_type: str | None) -> str:
    """SQL selecting the rows that may go across every package past the window (``%(cutoff)s``,
    ``%(final)s``), issue rows excepted: one statement a batch, however many small packages there are."""
    table, sub = model._meta.db_table, Submission._meta.db_table
    keep = ""
    if record_type is not None:
        keep = (
            f" AND NOT EXISTS (SELECT 1 FROM {RowIssue._meta.db_table} i WHERE i.submission_id = s.submission_id "
            f"AND i.record_type = '{record_type}' AND i.staged_row_id = s.id)"
        )
    return (
        f"SELECT s.id FROM {table} s JOIN {sub} sb ON sb.id = s.submission_id "
        f"WHERE sb.state = ANY(%(final)s) AND sb.consolidated_at < %(cutoff)s{keep}"
    )


def _count(model: StagedModel, record_type: str | None, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({_past_window_rows(model, record_type)}) x", params)
        return int(cursor.fetchone()[0])


def _delete_batch(model: StagedModel, record_type: str | None, params: dict[str, Any], batch_size: int) -> int:
    """One short transaction: at most ``batch_size`` rows of packages that are still consolidated ones.

    ``FOR KEY SHARE OF sb`` makes a package being reopened at this moment (``submission_reopen`` locks its
    row for update) either wait for this batch and then find its rows purged (and refuse), or make this
    batch give way after the lock timeout; a package reopened before is no longer in a final state."""
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{BATCH_LOCK_TIMEOUT}'")
        rows = _past_window_rows(model, record_type)
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN ({rows} LIMIT %(n)s FOR KEY SHARE OF sb)", {**params, "n": batch_size}
        )
        return max(int(cursor.rowcount), 0)


def staging_purge(
    *,
    retention_days: int | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    on_batch: Callable[[PurgeResult], None] | None = None,
) -> PurgeResult:
    """Delete the staged rows of packages consolidated more than ``retention_days`` ago, in batches.

    ``dry_run`` counts what would go and deletes nothing. ``on_batch`` is called after each committed batch
    (progress for the command and the benchmark). Returns what was done; ``yielded`` says it stopped early
    for a consolidation run, ``skipped`` that another purge was already at work.
    """
    retention_days = settings.STAGING_RETENTION_DAYS if retention_days is None else retention_days
    batch_size = settings.STAGING_PURGE_BATCH if batch_size is None else batch_size
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    result = PurgeResult(cutoff=cutoff, dry_run=dry_run, deleted={m._meta.db_table: 0 for m, _rt in STAGED_TABLES})
    params = {"cutoff": cutoff, "final": [str(s) for s in FINAL_STATES]}

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))", [_PURGE_LOCK_CLASS])
        if not cursor.fetchone()[0]:
            result.skipped = True
            log.info("Staging purge skipped: another purge is running.")
            return result
    try:
        result.submissions = len(_eligible_submissions(cutoff))
        for model, record_type in STAGED_TABLES:
            table = model._meta.db_table
            if dry_run:
                result.deleted[table] = _count(model, record_type, params)
                continue
            while True:
                if _run_active():
                    result.yielded = True
                    log.info("Staging purge gives way to a consolidation run after %s rows.", result.total)
                    return result
                try:
                    n = _delete_batch(model, record_type, params, batch_size)
                except OperationalError as exc:  # a lock it would have had to wait for
                    result.yielded = True
                    log.info("Staging purge gives way after a lock timeout: %s", exc)
                    return result
                if n == 0:
                    break
                result.deleted[table] += n
                result.batches += 1
                if on_batch is not None:
                    on_batch(result)
                if n < batch_size:
                    break
        result.kept = _kept_rows(cutoff)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", [_PURGE_LOCK_CLASS])
    log.info(
        "Staging purge %s %s rows of %s packages consolidated before %s (%s issue rows kept).",
        "would delete" if dry_run else "deleted",
        result.total,
        result.submissions,
        cutoff.isoformat(),
        result.kept,
    )
    return result


def _kept_rows(cutoff: datetime) -> int:
    """Staged rows past the window that stay because a row issue refers to them."""
    total = 0
    for model, record_type in STAGED_TABLES:
        if record_type is None:
            continue
        total += (
            model._default_manager.filter(
                submission__state__in=FINAL_STATES,
                submission__consolidated_at__lt=cutoff,
            )
            .filter(
                pk__in=RowIssue.objects.filter(record_type=record_type).values("staged_row_id"),
            )
            .count()
        )
    return total


def submission_staging_purged(submission: Submission) -> bool:
    """True when the retention purge has removed (some of) this package's staged rows: what it holds now
    is fewer rows than it was received with."""
    held = sum(model._default_manager.filter(submission=submission).count() for model, _record_type in STAGED_TABLES)
    return held < submission.row_count
