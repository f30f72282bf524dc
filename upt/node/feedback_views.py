"""The correction list and a package's page at a UPT node, from central's feedback fetched over the API
(``upt.node.feedback``), with the same templates as the hosted pages; and "Perbarui dari pusat"."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from central.formats import show_datetime
from central.mode import is_node
from central.models import RecordType, Severity, Upt
from central.pagination import page_of
from central.scoping import Action, can
from central.selectors.inbox import upt_for_view
from upt.node.feedback import node_feedback, node_package_feedback
from upt.node.sync import node_refresh

ISSUES_PAGE = 100


def safe_or_node_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD everywhere; POST ("Perbarui dari pusat") only at a node, judged per request."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        allowed = ["GET", "HEAD", "POST"] if is_node() else ["GET", "HEAD"]
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return view(request, *args, **kwargs)

    return wrapper


def _rights(request: HttpRequest, upt: Upt) -> dict:
    return {"may_send": can(request.user, Action.SUBMIT, upt), "may_fix": can(request.user, Action.OPERATE, upt)}


def feedback_refresh(request: HttpRequest, upt: Upt) -> HttpResponse:
    """Fetch central's reference data and the UPT's feedback now, then show the page again."""
    result = node_refresh(upt)
    if result.ok:
        messages.success(
            request,
            _("Umpan balik diperbarui dari pusat (%(when)s).") % {"when": show_datetime(result.fetched_at, zone=True)},
        )
    # A failure is told by the page's notice (upt/node/_feedback_state.html), with the last feedback's time.
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("upt:correction_list", args=[upt.code])
    return redirect(back)


def node_correction_list(request: HttpRequest, upt: Upt) -> HttpResponse:
    """The hosted correction list's page, its rows from central's last answer."""
    if request.method == "POST":
        return feedback_refresh(request, upt)
    severity = request.GET.get("tingkat") if request.GET.get("tingkat") in Severity.values else None
    record_type = request.GET.get("jenis") if request.GET.get("jenis") in RecordType.values else None
    feedback = node_feedback(upt.code, severity=severity, record_type=record_type)
    page = page_of(request, feedback.issues, ISSUES_PAGE)
    context = {
        "upt": upt,
        "page": page,
        "rows": list(page.object_list),
        "daily_checks": feedback.daily_checks,
        "conflicts": feedback.conflicts,
        "feedback_state": feedback.state,
        "issues_truncated": feedback.issues_truncated,
        "refresh_url": reverse("upt:correction_list", args=[upt.code]),
        "severity": severity or "",
        "record_type": record_type or "",
        "severities": Severity.choices,
        "record_types": RecordType.choices,
        **_rights(request, upt),
        "section": "corrections",
    }
    return render(request, "upt/submission/corrections.html", context)


@require_safe
@login_required
@never_cache
def node_submission_detail(request: HttpRequest, upt_code: str, package_id: uuid.UUID) -> HttpResponse:
    """What central said about one package the node sent: its state and row issues, from the feedback."""
    upt = upt_for_view(user=request.user, upt_code=upt_code)
    submission, issues, state = node_package_feedback(upt.code, str(package_id))
    page = page_of(request, issues, ISSUES_PAGE)
    context = {
        "upt": upt,
        "package_id": package_id,
        "submission": submission,
        "page": page,
        "rows": list(page.object_list),
        "feedback_state": state,
        "refresh_url": reverse("upt:correction_list", args=[upt.code]),
        "next_url": request.path,
        **_rights(request, upt),
        "section": "history",
    }
    return render(request, "upt/node/submission_feedback.html", context)
