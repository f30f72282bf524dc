"""Consolidation runs as a report's scope saw them: per-run sums, per-UPT results, why rows were rejected.

Runs are national events: everyone with a report scope sees that a run happened; its figures are read for
their scope only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from central.models import ConsolidationRun, RowIssue, RunUptResult, Severity, Upt
from central.scoping import Action
from central.selectors.reports.common import (
    NO_FILTER,
    ReportFilter,
    day_end,
    deadline_at,
    has_report_scope,
    scoped_upt_ids,
)
from central.typing import AnyUser


@dataclass
class RunActivity:
    """A consolidation run as the report's scope saw it: the run, and its results summed over the scope."""

    run: ConsolidationRun
    upts: int = 0
    rows_received: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    conflicts: int = 0


def consolidation_runs(*, user: AnyUser, start: dt.date, end: dt.date) -> QuerySet[ConsolidationRun]:
    """Runs created between ``start`` and ``end`` (WIB days), newest first. Runs are national: every role
    with a report scope sees when they ran; their figures come from ``run_activity`` for the scope."""
    if not _sees_runs(user=user):
        return ConsolidationRun.objects.none()
    return ConsolidationRun.objects.filter(
        created_at__gte=deadline_at(start, dt.time.min), created_at__lt=day_end(end)
    ).order_by("-created_at", "-pk")


def run_activity(
    *, user: AnyUser, runs: Iterable[ConsolidationRun], report_filter: ReportFilter = NO_FILTER
) -> list[RunActivity]:
    """The given runs with their per-UPT results summed over the report's scope. One query."""
    runs = list(runs)
    sums = {
        row["run_id"]: row
        for row in RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run__in=[r.pk for r in runs], upt_id__in=scoped_upt_ids(user=user, report_filter=report_filter))
        .values("run_id")
        .annotate(
            # UPTs that sent to the run (a UPT may have a result row for a conflict alone).
            upts=Count("id", filter=Q(submissions_count__gt=0)),
            received=Sum("rows_received"),
            accepted=Sum("rows_accepted"),
            rejected=Sum("rows_rejected"),
            warned=Sum("rows_warned"),
            conflicts=Sum("conflicts"),
        )
        .order_by()
    }
    activity = []
    for run in runs:
        row = sums.get(run.pk)
        item = RunActivity(run=run)
        if row:
            item.upts = row["upts"]
            item.rows_received = int(row["received"] or 0)
            item.rows_accepted = int(row["accepted"] or 0)
            item.rows_rejected = int(row["rejected"] or 0)
            item.rows_warned = int(row["warned"] or 0)
            item.conflicts = int(row["conflicts"] or 0)
        activity.append(item)
    return activity


def _sees_runs(*, user: AnyUser) -> bool:
    return has_report_scope(user=user)


def consolidation_run_get(*, user: AnyUser, run_id: int) -> ConsolidationRun:
    """One run, for anyone who may see some UPT's results (its figures are then read for their scope)."""
    run = ConsolidationRun.objects.filter(pk=run_id).first() if _sees_runs(user=user) else None
    if run is None:
        raise Http404
    return run


def run_results(*, user: AnyUser, run: ConsolidationRun, report_filter: ReportFilter = NO_FILTER) -> list[RunUptResult]:
    """Per-UPT results of one run inside the scope. One query."""
    return list(
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run=run, upt_id__in=scoped_upt_ids(user=user, report_filter=report_filter))
        .select_related("upt", "upt__kanwil")
        .order_by("upt__kanwil__name", "upt__name")
    )


@dataclass
class IssueReason:
    upt_code: str
    upt_name: str
    rule_code: str
    message: str
    severity: str
    rows: int


def run_issue_reasons(
    *, user: AnyUser, run: ConsolidationRun, report_filter: ReportFilter = NO_FILTER, severity: str = ""
) -> list[IssueReason]:
    """Why rows were rejected (or warned about) in one run: per UPT and rule, how many rows. One query."""
    issues = RowIssue.objects.restrict(user, Action.VIEW).filter(
        run=run, submission__upt_id__in=scoped_upt_ids(user=user, report_filter=report_filter)
    )
    if severity:
        issues = issues.filter(severity=severity)
    rows = (
        issues.values("submission__upt__code", "submission__upt__name", "rule_id", "rule__message", "severity")
        .annotate(n=Count("id"))
        .order_by("submission__upt__name", "-n", "rule_id")
    )
    return [
        IssueReason(
            upt_code=r["submission__upt__code"],
            upt_name=r["submission__upt__name"],
            rule_code=r["rule_id"],
            message=r["rule__message"],
            severity=r["severity"],
            rows=r["n"],
        )
        for r in rows
    ]


def run_issues(
    *, user: AnyUser, run: ConsolidationRun, report_filter: ReportFilter = NO_FILTER, severity: str = ""
) -> QuerySet[RowIssue]:
    """The rows themselves (for paging): record key, rule, detail."""
    issues = (
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(run=run, submission__upt_id__in=scoped_upt_ids(user=user, report_filter=report_filter))
        .select_related("rule", "submission__upt")
        .order_by("submission__upt__name", "rule_id", "record_key", "pk")
    )
    if severity:
        issues = issues.filter(severity=severity)
    return issues


def upt_recent_results(*, user: AnyUser, upt: Upt, limit: int = 10) -> list[RunUptResult]:
    """The UPT's last consolidation results, newest first. One query."""
    return list(
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(upt=upt)
        .select_related("run")
        .order_by("-run_id")[:limit]
    )


SEVERITY_CHOICES = Severity.choices
