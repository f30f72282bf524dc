"""``{% submission_card upt %}``: the daily package's state on the UPT home page, with "Kirim ke pusat"."""

from django import template
from django.conf import settings
from django.utils import timezone

from central.scoping import Action, can
from central.selectors.inbox import submission_issue_counts, submissions_for, sync_state_for

register = template.Library()


@register.inclusion_tag("upt/submission/_card.html", takes_context=True)
def submission_card(context, upt):
    user = context["request"].user
    sync = sync_state_for(user=user, upt=upt)
    submissions = submissions_for(user=user, upt=upt)
    last = submissions.first()
    consolidated = submissions.exclude(consolidated_at=None).first()
    if sync is None or sync.last_submission_id is None:
        next_kind, next_reason = "full", "first"
    elif sync.full_requested:
        next_kind, next_reason = "full", sync.full_reason
    else:
        next_kind, next_reason = "delta", ""
    return {
        "upt": upt,
        "last": last,
        "sent_today": submissions.filter(report_date=timezone.localdate()).exists(),
        "next_kind": next_kind,
        "next_reason": next_reason,
        "consolidated": consolidated,
        "issue_counts": submission_issue_counts(user=user, submission=consolidated) if consolidated else None,
        "may_send": can(user, Action.SUBMIT, upt),
        "deadlines": {"occupancy": settings.SUBMISSION_DEADLINE_OCCUPANCY, "other": settings.SUBMISSION_DEADLINE_OTHER},
    }
