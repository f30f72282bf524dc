"""Reads about consolidation runs, their results, row issues and conflicts — always from the user's scope.

Runs are national events: anyone with a scope may see that a run happened; its per-UPT results, issues
and conflicts are filtered to the UPTs the user may see, and the national totals are shown only to
holders of central's national view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from central.models import (
    ACTIVE_RUN_STATES,
    Conflict,
    ConflictState,
    ConsolidationRun,
    NationalPerson,
    RecordType,
    RowIssue,
    RunState,
    RunUptResult,
    Submission,
    SubmissionState,
    Upt,
)
from central.scoping import Action, can, get_scoped_or_404, has_central_permission
from central.typing import AnyUser


def may_see_runs(*, user: AnyUser) -> bool:
    return can(user, Action.VIEW)


def sees_national(*, user: AnyUser) -> bool:
    return has_central_permission(user, Action.VIEW)


def runs_for(*, user: AnyUser) -> QuerySet[ConsolidationRun]:
    qs = ConsolidationRun.objects.select_related("triggered_by").order_by("-created_at", "-pk")
    return qs if may_see_runs(user=user) else qs.none()


def run_get(*, user: AnyUser, run_id: int | str) -> ConsolidationRun:
    try:
        return runs_for(user=user).get(pk=run_id)
    except (ConsolidationRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def run_active() -> ConsolidationRun | None:
    return (
        ConsolidationRun.objects.select_related("triggered_by")
        .filter(state__in=ACTIVE_RUN_STATES)
        .order_by("pk")
        .first()
    )


def run_last_success_finished_at() -> datetime | None:
    """When the latest successful run finished (the readiness probe reports its age); None before the first.
    Not scoped: a time and nothing else, the same for everyone."""
    return (
        ConsolidationRun.objects.filter(state=RunState.SUCCEEDED, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def run_results(*, user: AnyUser, run: ConsolidationRun) -> QuerySet[RunUptResult]:
    return (
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run=run)
        .select_related("upt", "upt__kanwil")
        .order_by("upt__kanwil__name", "upt__name")
    )


def run_results_by_run(*, user: AnyUser, runs: list[ConsolidationRun]) -> dict[int, list[RunUptResult]]:
    """Per-UPT results of several runs in one query (for API lists)."""
    grouped: dict[int, list[RunUptResult]] = {run.pk: [] for run in runs}
    for result in (
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run__in=[r.pk for r in runs])
        .select_related("upt")
        .order_by("upt__code")
    ):
        grouped[result.run_id].append(result)
    return grouped


def upt_last_results(*, user: AnyUser, upt: Upt, limit: int = 5) -> list[RunUptResult]:
    """The UPT's results in its last ``limit`` runs, newest first (the feedback a node fetches)."""
    return list(
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(upt=upt)
        .select_related("run")
        .order_by("-run_id")[:limit]
    )


def run_issue_summary(*, user: AnyUser, run: ConsolidationRun) -> list[dict[str, Any]]:
    """How many rows each rule flagged in this run (within the user's scope), most frequent first."""
    rows = list(
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(run=run)
        .values("rule_id", "rule__message", "severity", "record_type")
        .annotate(count=Count("pk"))
        .order_by("-count", "rule_id")
    )
    labels = dict(RecordType.choices)
    for row in rows:
        row["record_type_label"] = labels.get(row["record_type"], row["record_type"])
    return rows


def run_submissions(*, user: AnyUser, run: ConsolidationRun) -> QuerySet[Submission]:
    return (
        Submission.objects.restrict(user, Action.VIEW)
        .filter(run=run)
        .select_related("upt")
        .order_by("upt__code", "received_at")
    )


def latest_consolidated_ids(submissions: list[Submission]) -> set[int]:
    """Of these submissions, those that are their UPT's latest consolidated package (the ones central may
    reopen). One query."""
    upts = {s.upt_id for s in submissions}
    latest = dict(
        Submission.objects.filter(
            upt__in=upts,
            state__in=[SubmissionState.ACCEPTED, SubmissionState.PARTIAL, SubmissionState.REJECTED],
        )
        .values("upt")
        .annotate(last=Max("received_at"))
        .values_list("upt", "last")
    )
    return {s.pk for s in submissions if latest.get(s.upt_id) == s.received_at}


@dataclass
class InboxWaiting:
    submissions: int
    upts: int
    rows: int


def inbox_waiting(*, user: AnyUser) -> InboxWaiting:
    """Packages received and waiting for the next run."""
    totals = (
        Submission.objects.restrict(user, Action.VIEW)
        .filter(state=SubmissionState.RECEIVED)
        .aggregate(
            submissions=Count("pk"),
            upts=Count("upt", distinct=True),
            rows=Sum("person_count") + Sum("movement_count") + Sum("remission_count") + Sum("deletion_count"),
        )
    )
    return InboxWaiting(totals["submissions"] or 0, totals["upts"] or 0, totals["rows"] or 0)


@dataclass
class TodayCompliance:
    sent: int
    active: int


def sent_today(*, user: AnyUser) -> TodayCompliance:
    today = timezone.localdate()
    upts = Upt.objects.restrict(user, Action.VIEW).filter(is_active=True)
    return TodayCompliance(
        sent=upts.filter(submissions__report_date=today).distinct().count(),
        active=upts.count(),
    )


def conflicts_for(*, user: AnyUser, state: str | None = None, kind: str | None = None) -> QuerySet[Conflict]:
    qs = (
        Conflict.objects.restrict(user, Action.VIEW)
        .select_related("upt", "other_upt", "identity", "detected_run", "closed_by")
        .order_by("-detected_at", "-pk")
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def open_conflict_count(*, user: AnyUser) -> int:
    return Conflict.objects.restrict(user, Action.VIEW).filter(state=ConflictState.OPEN).count()


def conflict_get(*, user: AnyUser, conflict_id: int | str) -> Conflict:
    return get_scoped_or_404(
        Conflict.objects.select_related(
            "upt",
            "upt__kanwil",
            "other_upt",
            "identity",
            "person",
            "other_person",
            "movement",
            "movement__other_upt",
            "detected_run",
            "closed_by",
        ),
        user,
        Action.VIEW,
        pk=conflict_id,
    )


def upt_conflicts(*, user: AnyUser, upt: Upt, reg_number: str | None = None) -> list[Conflict]:
    """The open conflicts on ``upt``'s own people, for its correction list and (with ``reg_number``) a
    person's file.

    A conflict is stored under the UPT that central reports (``upt``: the later holder, the sender of an
    unmatched transfer); the first holder of a person held twice is its ``other_upt``, with its own record
    as ``other_person``, and must hear of it too. Each conflict comes with ``own_record``, this UPT's
    national record; the other UPT is never named to the UPT (DESIGN §4: a UPT sees no other UPT's
    records), only what the detail says. Whoever may view the UPT may read them (for anyone else the list
    is empty); one query, the scope check folded in.
    """
    in_scope = Exists(Upt.objects.restrict(user, Action.VIEW).filter(pk=upt.pk))
    own = Q(upt=upt)
    first_holder = Q(other_upt=upt, other_person__upt=upt)
    if reg_number is not None:
        own &= Q(person__reg_number=reg_number)
        first_holder &= Q(other_person__reg_number=reg_number)
    conflicts = list(
        Conflict.objects.filter(in_scope, own | first_holder, state=ConflictState.OPEN)
        .select_related("person", "other_person")
        .order_by("-detected_at", "-pk")
    )
    for conflict in conflicts:
        conflict.own_record = conflict.person if conflict.upt_id == upt.pk else conflict.other_person  # type: ignore[attr-defined]
    return conflicts


def identity_records(*, user: AnyUser, conflict: Conflict) -> QuerySet[NationalPerson]:
    """Every national record of the conflict's person that the user may see."""
    return (
        NationalPerson.objects.restrict(user, Action.VIEW)
        .filter(identity=conflict.identity)
        .select_related("upt")
        .order_by("admission_date", "pk")
    )
