"""The pages that differ at a UPT node: the home page (the node's UPT), "Kirim ke pusat" into the outbox,
and the outbox as the history of packages with each one's state and central's answer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from central.models import SubmissionState, Upt
from central.pagination import page_of
from central.scoping import Action, can, get_scoped_or_404
from central.selectors.inbox import upt_for_view
from upt.models import OutboxPackage
from upt.node.outbox import OutboxRefusal, outbox_deliver, outbox_enqueue, outbox_in_flight, outbox_reasons
from upt.node.reference import reference_send_check
from upt.services.package import package_build

HISTORY_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A node serves one UPT: whoever may open it starts there, the administrator at the admin. (Central's
    start pages — a region's dashboard, the national one — are not served here.)"""
    upt = Upt.objects.filter(code=settings.SDP_UPT_CODE).first()
    if upt is not None and can(request.user, Action.VIEW, upt):
        return redirect("upt:home", upt_code=upt.code)
    if request.user.is_superuser:
        return redirect("admin:index")
    return render(request, "no_role.html", status=403)


def _upt_to_submit(request: HttpRequest, upt_code: str) -> Upt:
    return get_scoped_or_404(Upt.objects.select_related("kanwil"), request.user, Action.SUBMIT, code=upt_code)


class NodeSendForm(forms.Form):
    full = forms.BooleanField(
        label=gettext_lazy("Kirim data lengkap (seluruh data UPT), bukan hanya perubahan"), required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_send(request: HttpRequest, upt_code: str) -> HttpResponse:
    """Show what will be sent; on POST put the package in the outbox and return at once (a worker sends)."""
    upt = _upt_to_submit(request, upt_code)
    if request.method == "POST":
        form = NodeSendForm(request.POST)
        if form.is_valid():
            try:
                item = outbox_enqueue(user=request.user, upt=upt, force_full=form.cleaned_data["full"])
            except OutboxRefusal as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Paket (%(rows)s baris) masuk antrean kirim dan dikirim ke pusat segera setelah terhubung.")
                    % {"rows": item.rows},
                )
            return redirect("upt:submission_list", upt_code=upt.code)
    full = request.GET.get("lengkap") == "1"
    context = {
        "upt": upt,
        "built": package_build(user=request.user, upt=upt, force_full=full),
        "form": NodeSendForm(initial={"full": full}),
        "in_flight": outbox_in_flight(upt),
        "not_ready": reference_send_check(),
        "now": timezone.localtime(),
        "deadline_occupancy": settings.SUBMISSION_DEADLINE_OCCUPANCY,
        "deadline_other": settings.SUBMISSION_DEADLINE_OTHER,
        "central_url": settings.SDP_CENTRAL_URL,
        "may_send": True,
        "may_fix": True,
        "node": True,
        "section": "send",
    }
    return render(request, "upt/node/send.html", context)


@require_safe
@login_required
@never_cache
def submission_list(request: HttpRequest, upt_code: str) -> HttpResponse:
    """The node's packages, newest first: state, attempts, next retry, central's result or reasons."""
    upt = upt_for_view(user=request.user, upt_code=upt_code)
    page = page_of(request, OutboxPackage.objects.filter(upt=upt).select_related("created_by"), HISTORY_PAGE)
    rows = [(item, outbox_reasons(item), _central_state(item)) for item in page.object_list]
    context = {
        "upt": upt,
        "page": page,
        "rows": rows,
        "in_flight": outbox_in_flight(upt),
        "may_send": can(request.user, Action.SUBMIT, upt),
        "may_fix": can(request.user, Action.OPERATE, upt),
        "node": True,
        "section": "history",
    }
    return render(request, "upt/node/list.html", context)


def _central_state(item: OutboxPackage) -> str:
    state = (item.answer or {}).get("state") if item.state == "delivered" else None
    return str(SubmissionState(state).label) if state in SubmissionState.values else ""


@login_required
@require_POST
def outbox_send_now(request: HttpRequest, upt_code: str, package_id: str) -> HttpResponse:
    """Try a waiting package now instead of at its next retry time (the operator's "Coba kirim sekarang")."""
    upt = _upt_to_submit(request, upt_code)
    item = get_object_or_404(OutboxPackage, upt=upt, package_id=package_id)
    state = outbox_deliver(item)
    item.refresh_from_db()
    if state == "delivered":
        messages.success(request, _("Paket diterima pusat."))
    elif item.state == "waiting" and item.last_error:
        # The row below says when the next attempt is: the message does not say it again.
        messages.warning(request, _("Paket belum terkirim. %(problem)s") % {"problem": item.last_error})
    elif item.last_error:
        messages.warning(request, item.last_error)
    return redirect("upt:submission_list", upt_code=upt.code)


def not_at_node(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """Central's pages that a node does not serve (a package file is uploaded at central, not here)."""
    raise Http404(_("Halaman ini hanya ada di server pusat."))
