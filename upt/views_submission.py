"""The UPT's daily package pages: "Kirim ke pusat" (what will be sent, then the result), the package file
download and upload for offline sites, the history of submissions and the correction list.

Sending, downloading and uploading are for the UPT's own operators (``Action.SUBMIT``: Kanwil, central and
the admin get 403); the history and the correction list may be read by whoever may view the UPT.
"""

from __future__ import annotations

import gzip
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from central.mode import is_node
from central.models import Channel, RecordType, Severity, SubmissionState, Upt
from central.package import PackageRejected
from central.pagination import page_of
from central.scoping import Action, can, get_scoped_or_404
from central.selectors.consolidation import upt_conflicts
from central.selectors.inbox import (
    correction_issues,
    correction_rows,
    submission_get,
    submission_issue_counts,
    submission_issues,
    submissions_for,
    sync_state_for,
    upt_for_view,
)
from central.selectors.reports.common import report_today
from central.selectors.reports.daily_checks import upt_recent_findings
from central.services.inbox import PackageConflict, ReceiverBusy, submission_receive
from upt.node.feedback_views import node_correction_list, safe_or_node_post
from upt.services.package import package_build, package_export, package_send

HISTORY_PAGE = 50
ISSUES_PAGE = 100


def _upt_to_submit(request: HttpRequest, upt_code: str) -> Upt:
    return get_scoped_or_404(Upt.objects.select_related("kanwil"), request.user, Action.SUBMIT, code=upt_code)


class SendForm(forms.Form):
    package_id = forms.UUIDField(widget=forms.HiddenInput)
    full = forms.BooleanField(
        label=gettext_lazy("Kirim data lengkap (seluruh data UPT), bukan hanya perubahan"), required=False
    )


class UploadForm(forms.Form):
    package = forms.FileField(
        label=gettext_lazy("Berkas paket (.json atau .json.gz)"),
        help_text=gettext_lazy("Berkas yang diunduh dari halaman Kirim ke pusat di lokasi tanpa jaringan."),
    )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > settings.SUBMISSION_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas melebihi batas %(mb)d MB.") % {"mb": settings.SUBMISSION_MAX_BYTES // 1_048_576}
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def submission_send(request: HttpRequest, upt_code: str) -> HttpResponse:
    """Show what will be sent (kind, why, counts by type), then send it and show the result."""
    upt = _upt_to_submit(request, upt_code)
    errors: list[dict] = []
    if request.method == "POST":
        form = SendForm(request.POST)
        if form.is_valid():
            try:
                result = package_send(
                    user=request.user,
                    upt=upt,
                    force_full=form.cleaned_data["full"],
                    package_id=form.cleaned_data["package_id"],
                    request=request,
                )
            except PackageRejected as exc:
                errors = exc.errors
            except PackageConflict as exc:
                messages.error(request, str(exc))
                return redirect("upt:submission_send", upt_code=upt.code)
            else:
                _result_message(request, result.submission, created=result.created)
                return redirect("upt:submission_detail", upt_code=upt.code, package_id=result.submission.package_id)
    full = request.method == "POST" and request.POST.get("full") == "on"
    built = package_build(user=request.user, upt=upt, force_full=full)
    context = {
        "upt": upt,
        "built": built,
        "form": SendForm(initial={"package_id": uuid.uuid4(), "full": full}),
        "errors": errors,
        "today": submissions_for(user=request.user, upt=upt, report_date=timezone.localdate())[:5],
        "deadline_occupancy": settings.SUBMISSION_DEADLINE_OCCUPANCY,
        "deadline_other": settings.SUBMISSION_DEADLINE_OTHER,
        "now": timezone.localtime(),
        "may_send": True,
        "may_fix": True,
        "section": "send",
    }
    return render(request, "upt/submission/send.html", context, status=400 if errors else 200)


def _rights(request: HttpRequest, upt: Upt) -> dict:
    """What the page may offer: sending (the UPT's operators) and opening records to fix them."""
    return {"may_send": can(request.user, Action.SUBMIT, upt), "may_fix": can(request.user, Action.OPERATE, upt)}


def _deadlines() -> dict:
    return {"occupancy": settings.SUBMISSION_DEADLINE_OCCUPANCY, "other": settings.SUBMISSION_DEADLINE_OTHER}


def _result_message(request, submission, *, created: bool) -> None:
    if not created:
        messages.info(request, _("Paket ini sudah diterima pusat sebelumnya; tidak dikirim dua kali."))
        return
    messages.success(
        request,
        _("Paket diterima pusat (%(rows)s baris) dan menunggu konsolidasi berikutnya.")
        % {"rows": submission.row_count},
    )
    if submission.drift_detected:
        messages.warning(
            request,
            _("Data di pusat tidak cocok dengan data UPT (checksum berbeda). Kiriman berikutnya berisi data lengkap."),
        )


@require_safe
@login_required
@never_cache
def package_download(request: HttpRequest, upt_code: str) -> HttpResponse:
    """The package as a file, to carry on a disk to a place with a connection. Nothing is sent; the package
    is sealed like a sent one, so that once central accepts it the next delta follows it."""
    upt = _upt_to_submit(request, upt_code)
    built = package_export(user=request.user, upt=upt, force_full=request.GET.get("lengkap") == "1", request=request)
    payload, filename, content_type = built.payload(), built.filename, "application/json"
    if request.GET.get("gz") == "1":
        payload, filename, content_type = gzip.compress(payload), f"{filename}.gz", "application/gzip"
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def package_upload(request: HttpRequest, upt_code: str) -> HttpResponse:
    """Receive a package file exported by an offline site — the same checks as every other way in."""
    upt = _upt_to_submit(request, upt_code)
    errors: list[dict] = []
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            payload = form.cleaned_data["package"].read()
            try:
                result = submission_receive(
                    user=request.user, payload=payload, channel=Channel.FILE, expected_upt=upt, request=request
                )
            except PackageRejected as exc:
                errors = exc.errors
            except PackageConflict as exc:
                errors = [{"path": "package_id", "code": "conflict", "message": str(exc)}]
            except ReceiverBusy as exc:
                errors = [{"path": "", "code": "busy", "message": str(exc)}]
            else:
                _result_message(request, result.submission, created=result.created)
                return redirect("upt:submission_detail", upt_code=upt.code, package_id=result.submission.package_id)
    status = 503 if any(e["code"] == "busy" for e in errors) else 400 if errors or form.errors else 200
    return render(
        request,
        "upt/submission/upload.html",
        {"upt": upt, "form": form, "errors": errors, "may_send": True, "may_fix": True, "section": "upload"},
        status=status,
    )


@require_safe
@login_required
def submission_list(request: HttpRequest, upt_code: str) -> HttpResponse:
    """The UPT's submissions: state, kind, channel, timeliness, counts and results."""
    upt = upt_for_view(user=request.user, upt_code=upt_code)
    state = request.GET.get("status") if request.GET.get("status") in SubmissionState.values else None
    page = page_of(request, submissions_for(user=request.user, upt=upt, state=state), HISTORY_PAGE)
    context = {
        "upt": upt,
        "page": page,
        "state": state or "",
        "states": SubmissionState.choices,
        "sync": sync_state_for(user=request.user, upt=upt),
        **_rights(request, upt),
        "deadlines": _deadlines(),
        "section": "history",
    }
    return render(request, "upt/submission/list.html", context)


@require_safe
@login_required
@never_cache
def submission_detail(request: HttpRequest, upt_code: str, package_id: uuid.UUID) -> HttpResponse:
    upt = upt_for_view(user=request.user, upt_code=upt_code)
    submission = submission_get(user=request.user, package_id=package_id)
    if submission.upt_id != upt.pk:
        return redirect("upt:submission_detail", upt_code=submission.upt.code, package_id=package_id)
    issues = page_of(request, submission_issues(user=request.user, submission=submission), ISSUES_PAGE)
    context = {
        "upt": upt,
        "submission": submission,
        "issues": correction_rows(upt, list(issues.object_list)),
        "page": issues,
        "issue_counts": submission_issue_counts(user=request.user, submission=submission),
        **_rights(request, upt),
        "deadlines": _deadlines(),
        "section": "history",
    }
    return render(request, "upt/submission/detail.html", context)


@safe_or_node_post
@login_required
@never_cache
def correction_list(request: HttpRequest, upt_code: str) -> HttpResponse:
    """Every error and warning consolidation found in the UPT's submissions, with the record to fix."""
    upt = upt_for_view(user=request.user, upt_code=upt_code)
    if is_node():  # the findings are central's: the node shows what it last fetched from central's API
        return node_correction_list(request, upt)
    severity = request.GET.get("tingkat") if request.GET.get("tingkat") in Severity.values else None
    record_type = request.GET.get("jenis") if request.GET.get("jenis") in RecordType.values else None
    page = page_of(
        request, correction_issues(user=request.user, upt=upt, severity=severity, record_type=record_type), ISSUES_PAGE
    )
    context = {
        "upt": upt,
        "page": page,
        "rows": correction_rows(upt, list(page.object_list)),
        # The daily checks of the last days: a break or a flagged figure is for the UPT to explain.
        "daily_checks": upt_recent_findings(user=request.user, upt=upt, today=report_today()),
        # Conflicts with other UPTs are central's to resolve, but the UPT must hear of them.
        "conflicts": upt_conflicts(user=request.user, upt=upt),
        "severity": severity or "",
        "record_type": record_type or "",
        "severities": Severity.choices,
        "record_types": RecordType.choices,
        **_rights(request, upt),
        "section": "corrections",
    }
    return render(request, "upt/submission/corrections.html", context)
