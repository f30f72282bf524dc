"""Reads over the inbox: submissions, their row issues, the UPT's correction list and sync state.

Every read starts from ``restrict(user, Action.VIEW)``: operators see their UPT's submissions, Kanwil
monitors their region's, central and the admin all of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from central.models import (
    ReceivedRecord,
    RecordType,
    RowIssue,
    Severity,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    Upt,
    UptSyncState,
)
from central.scoping import Action, get_scoped_or_404
from central.typing import AnyUser


def submissions_for(
    *,
    user: AnyUser,
    upt: Upt | None = None,
    state: str | None = None,
    kind: str | None = None,
    report_date: date | None = None,
) -> QuerySet[Submission]:
    """The submissions the user may see, newest first, with what a list shows in the same query."""
    qs = Submission.objects.restrict(user, Action.VIEW).select_related("upt", "sent_by")
    if upt is not None:
        qs = qs.filter(upt=upt)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if report_date:
        qs = qs.filter(report_date=report_date)
    return qs.order_by("-received_at", "-pk")


def submission_get(*, user: AnyUser, package_id: uuid.UUID | str) -> Submission:
    """One submission by package id: 404 outside the user's view scope."""
    return get_scoped_or_404(
        Submission.objects.select_related("upt", "upt__kanwil", "sent_by", "run"),
        user,
        Action.VIEW,
        package_id=package_id,
    )


def submission_find(*, user: AnyUser, upt: Upt, package_id: uuid.UUID | str) -> Submission | None:
    """The UPT's submission with this package id, if it was received (a repeated form post)."""
    try:
        return submissions_for(user=user, upt=upt).filter(package_id=package_id).first()
    except (ValueError, TypeError):
        return None


def submission_issues(*, user: AnyUser, submission: Submission) -> QuerySet[RowIssue]:
    return (
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(submission=submission)
        .select_related("rule", "submission")
        .order_by("-severity", "record_type", "staged_row_id", "rule_id")
    )


def submission_issue_counts(*, user: AnyUser, submission: Submission) -> dict[str, int]:
    counts = (
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(submission=submission)
        .aggregate(
            errors=Count("pk", filter=Q(severity=Severity.ERROR)),
            warnings=Count("pk", filter=Q(severity=Severity.WARNING)),
        )
    )
    return {"errors": counts["errors"] or 0, "warnings": counts["warnings"] or 0}


def sync_state_for(*, user: AnyUser, upt: Upt) -> UptSyncState | None:
    """What central expects next from this UPT (None before anything was asked or received)."""
    return (
        UptSyncState.objects.restrict(user, Action.VIEW)
        .select_related("last_submission", "full_requested_by")
        .filter(upt=upt)
        .first()
    )


def upt_for_view(*, user: AnyUser, upt_code: str) -> Upt:
    return get_scoped_or_404(Upt.objects.select_related("kanwil"), user, Action.VIEW, code=upt_code)


# --- The correction list ---------------------------------------------------------------------------------


@dataclass
class Correction:
    """One row issue as the UPT's operator works from it."""

    issue: RowIssue
    submission: Submission
    person_reg_number: str  # the person whose record to open (for movements and remissions: their person)
    resent: bool  # a newer version of this record has been received since


def correction_issues(
    *, user: AnyUser, upt: Upt, severity: str | None = None, record_type: str | None = None
) -> QuerySet[RowIssue]:
    """Every row issue of the UPT's submissions, newest first (a queryset, for pagination)."""
    qs = (
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(submission__upt=upt)
        .select_related("rule", "submission")
        .order_by("-submission__received_at", "-severity", "record_type", "staged_row_id", "pk")
    )
    if severity:
        qs = qs.filter(severity=severity)
    if record_type:
        qs = qs.filter(record_type=record_type)
    return qs


def correction_rows(upt: Upt, issues: list[RowIssue]) -> list[Correction]:
    """Attach to a page of issues the person to open and whether the record was re-sent since.

    Three queries whatever the page size: the staged rows behind movement and remission issues, the
    staged rows' hashes, and central's mirror for the same keys.
    """
    staged_hash: dict[tuple[str, int], str] = {}
    reg_for: dict[tuple[str, int], str] = {}
    ids = {rt: [i.staged_row_id for i in issues if i.record_type == rt] for rt in RecordType.values}
    models: dict[str, tuple[type[StagedPerson | StagedMovement | StagedRemission], str]] = {
        RecordType.PERSON: (StagedPerson, "reg_number"),
        RecordType.MOVEMENT: (StagedMovement, "person_reg_number"),
        RecordType.REMISSION: (StagedRemission, "person_reg_number"),
    }
    for record_type, (model, reg_field) in models.items():
        if ids[record_type]:
            for pk, reg, digest in model._default_manager.filter(pk__in=ids[record_type]).values_list(
                "pk", reg_field, "content_hash"
            ):
                staged_hash[(record_type, pk)] = digest
                reg_for[(record_type, pk)] = reg
    keys = {(i.record_type, i.record_key) for i in issues}
    mirror: dict[tuple[str, str], str] = {}
    if keys:
        condition = Q()
        for kind in {k[0] for k in keys}:
            condition |= Q(record_type=kind, record_key__in=[k for t, k in keys if t == kind])
        mirror = {
            (t, k): h
            for t, k, h in ReceivedRecord.objects.filter(condition, upt=upt).values_list(
                "record_type", "record_key", "content_hash"
            )
        }
    rows = []
    for issue in issues:
        ref = (issue.record_type, issue.staged_row_id)
        current = mirror.get((issue.record_type, issue.record_key))
        sent = staged_hash.get(ref)
        rows.append(
            Correction(
                issue=issue,
                submission=issue.submission,
                person_reg_number=reg_for.get(ref, issue.record_key if issue.record_type == RecordType.PERSON else ""),
                resent=bool(current and sent and current != sent),
            )
        )
    return rows
