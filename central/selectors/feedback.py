"""What central tells a UPT about what it sent: the correction list's parts, the last consolidation results
and the recent submissions, gathered for ``GET /api/v1/upts/<code>/feedback/`` (a node shows it where its
operators work). Every part is read by the selector the UPT's correction list page uses, so the node sees
exactly what the hosted page shows, and no more of other UPTs (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from central.models import Conflict, RunUptResult, Submission, Upt
from central.selectors.consolidation import upt_conflicts, upt_last_results
from central.selectors.inbox import Correction, correction_issues, correction_rows, submissions_for
from central.selectors.reports.daily_checks import DailyCheck, upt_recent_findings
from central.typing import AnyUser

FEEDBACK_SUBMISSIONS = 30  # the UPT's latest submissions whose issues are sent (about a month of days)
FEEDBACK_MAX_ISSUES = 2000  # beyond this the answer says it is cut short; the page at central has them all
FEEDBACK_RESULTS = 5


@dataclass
class UptFeedback:
    upt: Upt
    submissions: list[Submission]
    issues: list[Correction]
    issues_truncated: bool
    daily_checks: list[DailyCheck]
    conflicts: list[Conflict]  # with ``own_record`` (central.selectors.consolidation.upt_conflicts)
    results: list[RunUptResult]


def upt_feedback(*, user: AnyUser, upt: Upt, today: date) -> UptFeedback:
    """The UPT's feedback as ``user`` may see it (the caller has checked the UPT is in view scope)."""
    submissions = list(submissions_for(user=user, upt=upt)[:FEEDBACK_SUBMISSIONS])
    issues = list(
        correction_issues(user=user, upt=upt).filter(submission__in=[s.pk for s in submissions])[
            : FEEDBACK_MAX_ISSUES + 1
        ]
    )
    return UptFeedback(
        upt=upt,
        submissions=submissions,
        issues=correction_rows(upt, issues[:FEEDBACK_MAX_ISSUES]),
        issues_truncated=len(issues) > FEEDBACK_MAX_ISSUES,
        daily_checks=upt_recent_findings(user=user, upt=upt, today=today),
        conflicts=upt_conflicts(user=user, upt=upt),
        results=upt_last_results(user=user, upt=upt, limit=FEEDBACK_RESULTS),
    )
