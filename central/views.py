"""Pages for Ditjenpas (central): the "Jalankan konsolidasi" button, the list of runs, conflicts to resolve,
and reopening a submission. Every page needs central's national view; every write goes through a service
that checks central's object permission again.

The national dashboard and a run's page live in the report area (``/laporan/nasional/…``), one page each
for every role; ``/pusat/`` and ``/pusat/konsolidasi/<pk>/`` answer with a permanent redirect there."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from central.formats import show_date
from central.models import ConflictKind, ConflictState, RunTrigger, Submission
from central.pagination import page_of
from central.scoping import Action, get_scoped_or_404, has_central_permission
from central.selectors import consolidation as sel
from central.services.consolidation import consolidation_request
from central.services.consolidation.actions import conflict_close, conflict_open, submission_reopen
from central.text import SanitizedInputMixin

PAGE_SIZE = 50


def central_page(view):
    """Signed in, and holding central's national view (Ditjenpas or the admin); others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not has_central_permission(request.user, Action.VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, queryset):
    return page_of(request, queryset, PAGE_SIZE)


def _moved(request: HttpRequest, url: str) -> HttpResponse:
    """A page that moved to the report area: the same address there, with the query string kept."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def run_page_url(run_id: int) -> str:
    """A run's one page: the national view of its results, with central's actions (reopen, conflicts)."""
    return reverse("laporan:national_run", kwargs={"run_id": run_id})


@require_safe
@central_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """``/pusat/`` moved: the national dashboard (with the consolidation button) is ``/laporan/nasional/``."""
    return _moved(request, reverse("laporan:national"))


@require_POST
@central_page
def consolidation_start(request: HttpRequest) -> HttpResponse:
    result = consolidation_request(user=request.user, trigger=RunTrigger.BUTTON, request=request)
    run = result.run
    if result.created:
        messages.success(request, _("Konsolidasi #%(id)d dijalankan.") % {"id": run.pk})
    else:
        messages.info(
            request,
            _("Konsolidasi #%(id)d sedang %(state)s; tidak dijalankan lagi.")
            % {"id": run.pk, "state": run.get_state_display().lower()},
        )
    return redirect(run_page_url(run.pk))


@require_safe
@central_page
def run_list(request: HttpRequest) -> HttpResponse:
    return render(request, "central/run_list.html", {"page": _page(request, sel.runs_for(user=request.user))})


@require_safe
@central_page
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/pusat/konsolidasi/<pk>/`` moved to the run's one page in the report area."""
    return _moved(request, run_page_url(pk))


class ConflictFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Semua")), *ConflictState.choices]
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis"), required=False, choices=[("", gettext_lazy("Semua")), *ConflictKind.choices]
    )


@require_safe
@central_page
def conflict_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else {"state": ConflictState.OPEN}
    form = ConflictFilter(data)
    filters = form.cleaned_data if form.is_valid() else {"state": ConflictState.OPEN}
    queryset = sel.conflicts_for(
        user=request.user, state=filters.get("state") or None, kind=filters.get("kind") or None
    )
    return render(request, "central/conflict_list.html", {"form": form, "page": _page(request, queryset)})


class ConflictCloseForm(SanitizedInputMixin, forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Tindakan"),
        choices=[
            (ConflictState.RESOLVED, gettext_lazy("Diselesaikan (data sudah diperbaiki)")),
            (ConflictState.DISMISSED, gettext_lazy("Diabaikan (bukan masalah)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


@require_http_methods(["GET", "HEAD", "POST"])
@central_page
def conflict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = conflict_open(request=request, conflict_id=pk)
    form = ConflictCloseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                conflict_close(
                    user=request.user,
                    conflict_id=conflict.pk,
                    state=form.cleaned_data["state"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Konflik ditutup."))
                return redirect("central:conflict_detail", pk=conflict.pk)
        response_status = 400
    else:
        response_status = 200
    return render(
        request,
        "central/conflict_detail.html",
        {
            "conflict": conflict,
            "records": list(sel.identity_records(user=request.user, conflict=conflict)),
            "form": form,
            "may_resolve": has_central_permission(request.user, Action.RESOLVE),
        },
        status=response_status,
    )


@require_POST
@central_page
def submission_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_scoped_or_404(Submission.objects.all(), request.user, Action.VIEW, pk=pk)
    run_id = submission.run_id
    back = run_page_url(run_id) if run_id else reverse("laporan:national")
    try:
        submission_reopen(user=request.user, submission_id=submission.pk, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Kiriman %(upt)s tanggal %(date)s dibuka ulang; konsolidasi berikutnya akan memprosesnya.")
            % {"upt": submission.upt.code, "date": show_date(submission.report_date)},
        )
    return redirect(back)
