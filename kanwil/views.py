"""Read-only report pages: national (central and the admin), a region (its Kanwil, central), one UPT (its
operators, its Kanwil, central). Only GET and HEAD are ever answered; nothing here writes.

Every page is one view over a *scope* — the nation, a region or a UPT — resolved through the scoping choke
point (another region's or unit's page answers 404), then the selectors of ``central.selectors.reports``.
``?format=csv|xlsx&tabel=<key>`` exports any table of the page with the page's filters applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from central.formats import show_date
from central.models import ACTIVE_RUN_STATES, ConsolidationRun, Kanwil, RowIssue, Upt
from central.pagination import page_of
from central.scoping import Action, has_central_permission
from central.selectors import consolidation as run_sel
from central.selectors import schedule as schedule_sel
from central.selectors.reports import activity as activity_sel
from central.selectors.reports import breakdowns as breakdown_sel
from central.selectors.reports import common as scope_sel
from central.selectors.reports import compliance as compliance_sel
from central.selectors.reports import daily_checks as checks_sel
from central.selectors.reports import scorecard as scorecard_sel
from central.selectors.reports import status as status_sel
from central.services.audit import audit_row_issues_seen
from central.typing import AnyUser
from kanwil import check_tables as ct
from kanwil import report_tables as rt
from kanwil import scorecard_tables as st
from kanwil import table_framework as tf
from kanwil.exports import FORMATS, export_response
from kanwil.filters import (
    ActivityFilterForm,
    DayFilterForm,
    MonthFilterForm,
    OccupancyFilterForm,
    RangeFilterForm,
    RunFilterForm,
)

NATIONAL, REGION, UPT = "nasional", "wilayah", "upt"
RUNS_PER_PAGE = 20
ISSUES_PER_PAGE = 50
TOP_OVERCROWDED = 10
NOT_SENT_SHOWN = 10
OVERSTAY_TREND_DAYS = 30
RECENT_RUNS = 5
RUN_CONFLICTS = 50


@dataclass
class Scope:
    """What a report page covers, and the way to its sibling pages."""

    level: str
    kanwil: Kanwil | None = None
    upt: Upt | None = None
    may_see_national: bool = False
    may_see_region: bool = False

    @property
    def region(self) -> Kanwil:
        """The region of a region or UPT page (a national page has none)."""
        assert self.kanwil is not None, "a national page has no region"
        return self.kanwil

    @property
    def unit(self) -> Upt:
        """The UPT of a UPT page."""
        assert self.upt is not None, "only a UPT page has a UPT"
        return self.upt

    @property
    def name(self) -> str:
        if self.level == NATIONAL:
            return _("Nasional")
        if self.level == REGION:
            return self.region.name
        return self.unit.name

    @property
    def stem(self) -> str:
        """File-name stem of exports."""
        if self.level == NATIONAL:
            return "nasional"
        if self.level == REGION:
            return f"kanwil-{self.region.code}"
        return f"upt-{self.unit.code}"

    def url(self, page: str, **kwargs: object) -> str:
        if self.level == NATIONAL:
            return reverse(f"laporan:national{page}", kwargs=kwargs)
        if self.level == REGION:
            return reverse(f"laporan:region{page}", kwargs={"code": self.region.code, **kwargs})
        return reverse(f"laporan:upt{page}", kwargs={"code": self.unit.code, **kwargs})

    def run_url(self, run: ConsolidationRun) -> str:
        return self.url("_run", run_id=run.pk)

    def report_filter(self, upt_type: str = "") -> scope_sel.ReportFilter:
        return scope_sel.ReportFilter(
            kanwil=self.kanwil if self.level == REGION else None, upt=self.upt, upt_type=upt_type
        )

    def tabs(self, active: str, query: Mapping[str, str] | None = None) -> list[dict[str, object]]:
        """The scope's report pages; the day and UPT type chosen go along from one page to the next."""
        if self.level == UPT:
            return []
        carried = _urlencode({k: (query or {}).get(k) for k in ("tanggal", "jenis")})
        pages = [
            ("", _("Dasbor")),
            ("_compliance", _("Kepatuhan kiriman")),
            ("_activity", _("Konsolidasi")),
            ("_occupancy", _("Hunian & tren")),
            ("_scorecard", _("Rapor kualitas")),
        ]
        suffix = f"?{carried}" if carried else ""
        return [{"label": label, "url": self.url(page) + suffix, "active": page == active} for page, label in pages]

    def crumbs(self) -> list[dict[str, str]]:
        crumbs: list[dict[str, str]] = []
        if self.level != NATIONAL and self.may_see_national:
            crumbs.append({"label": _("Nasional"), "url": reverse("laporan:national")})
        if self.level == UPT and self.may_see_region:
            crumbs.append(
                {"label": self.region.name, "url": reverse("laporan:region", kwargs={"code": self.region.code})}
            )
        return crumbs


def _scope(request: HttpRequest, level: str, code: str | None = None) -> Scope:
    user = request.user
    national = scope_sel.may_see_national(user=user)
    if level == NATIONAL:
        if not national:
            raise PermissionDenied
        return Scope(NATIONAL, may_see_national=True)
    if code is None:  # the URLs of region and UPT pages always carry a code
        raise Http404
    if level == REGION:
        return Scope(REGION, kanwil=scope_sel.report_kanwil_get(user=user, code=code), may_see_national=national)
    upt = scope_sel.report_upt_get(user=user, code=code)
    may_see_region = national or scope_sel.report_kanwils(user=user).filter(pk=upt.kanwil_id).exists()
    return Scope(UPT, kanwil=upt.kanwil, upt=upt, may_see_national=national, may_see_region=may_see_region)


class Page:
    """Collects a page's tables, then renders it or exports one of its tables."""

    def __init__(self, request: HttpRequest, scope: Scope, *, title: str, tab: str, form: forms.Form) -> None:
        self.request = request
        self.scope = scope
        self.title = title
        self.tab = tab
        self.form = form
        self.tables: dict[str, tf.Table] = {}
        self.generated_at = timezone.now()
        self.filters: list[tuple[str, str]] = []

    def add(self, table: tf.Table, sort: bool = False) -> tf.Table:
        if sort and self.form.is_valid() and self.form.cleaned_data.get("urut"):
            table.sorted_by(self.form.cleaned_data["urut"])
        self.tables[table.key] = table
        return table

    def wants_export(self) -> str:
        fmt = self.request.GET.get("format", "")
        if fmt and fmt not in FORMATS:
            raise Http404
        return fmt

    def response(self, template: str, context: Mapping[str, object] | None = None, status: int = 200) -> HttpResponse:
        fmt = self.wants_export()
        if fmt:
            if status != 200:
                return HttpResponse(self._errors_text(), status=400, content_type="text/plain; charset=utf-8")
            key = self.request.GET.get("tabel") or next(iter(self.tables), "")
            table = self.tables.get(key)
            if table is None:
                raise Http404
            title = f"{self.title} — {self.scope.name}: {table.title}"
            filters = [(_("Cakupan"), self.scope.name), *self.filters]
            return export_response(
                fmt,
                table,
                title=title,
                filters=filters,
                generated_at=self.generated_at,
                stem=f"{self.scope.stem}-{key}",
            )
        query = self.request.GET.dict()
        rendered = {key: tf.render_table(table, query) for key, table in self.tables.items()}
        export_links = {
            key: {fmt: "?" + _urlencode({**query, "format": fmt, "tabel": key}) for fmt in FORMATS}
            for key in self.tables
        }
        ctx = {
            "scope": self.scope,
            "page_title": self.title,
            "tabs": self.scope.tabs(self.tab, self._carried()),
            "crumbs": self.scope.crumbs(),
            "form": self.form,
            "tables": self.tables,
            "rendered": rendered,
            "exports": export_links,
            "generated_at": self.generated_at,
            "filters": self.filters,
            "first_run": schedule_sel.first_run_pending(),
            **(context or {}),
        }
        return render(self.request, template, ctx, status=status)

    def _carried(self) -> dict[str, str]:
        """The page's day (the end of a range) and UPT type, once valid, for the links to its sibling pages."""
        if not self.form.is_valid():
            return {}
        data = self.form.cleaned_data
        day = data.get("tanggal") or data.get("sampai")
        return {"tanggal": day.isoformat() if day else "", "jenis": data.get("jenis") or ""}

    def _errors_text(self) -> str:
        lines = []
        for field, errors in self.form.errors.items():
            label = self.form.fields[field].label if field in self.form.fields else ""
            lines += [f"{label}: {e}" if label else str(e) for e in errors]
        return "\n".join(lines)

    def invalid(self, template: str) -> HttpResponse:
        return self.response(template, {"invalid": True}, status=400)


def _urlencode(params: Mapping[str, object]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _type_filter(form: forms.Form) -> list[tuple[str, str]]:
    upt_type = form.cleaned_data.get("jenis")
    if not upt_type:
        return []
    return [(_("Jenis UPT"), str(dict(scope_sel.UPT_TYPE_CHOICES)[upt_type]))]


# --- Start pages -----------------------------------------------------------------------------------


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """``/laporan/``: each person's own report — national, their region, or their UPT."""
    user = request.user
    if scope_sel.may_see_national(user=user):
        return redirect("laporan:national")
    kanwils = list(scope_sel.report_kanwils(user=user)[:2])
    if len(kanwils) == 1:
        return redirect("laporan:region", code=kanwils[0].code)
    if kanwils:
        return render(request, "kanwil/choose.html", {"kanwils": scope_sel.report_kanwils(user=user), "upts": []})
    upts = list(scope_sel.report_upts(user=user)[:2])
    if len(upts) == 1:
        return redirect("laporan:upt", code=upts[0].code)
    if upts:
        return render(request, "kanwil/choose.html", {"kanwils": [], "upts": scope_sel.report_upts(user=user)})
    raise PermissionDenied


@require_safe
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """``/kanwil/``: a monitor's start page is their region's dashboard."""
    user = request.user
    kanwils = list(scope_sel.report_kanwils(user=user)[:2])
    if len(kanwils) == 1 and not scope_sel.may_see_national(user=user):
        return dashboard(request, REGION, kanwils[0].code)
    if scope_sel.may_see_national(user=user):
        return redirect("laporan:national")
    if kanwils:
        return render(request, "kanwil/choose.html", {"kanwils": scope_sel.report_kanwils(user=user), "upts": []})
    raise PermissionDenied


# --- Dashboard -----------------------------------------------------------------------------------------


@require_safe
@login_required
def dashboard(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    scope = _scope(request, level, code)
    if scope.level == UPT:
        raise Http404
    form = DayFilterForm(request.GET)
    page = Page(request, scope, title=_("Dasbor pemantauan"), tab="", form=form)
    template = "kanwil/dashboard_national.html" if level == NATIONAL else "kanwil/dashboard_region.html"
    if not form.is_valid():
        return page.invalid(template)
    day = form.cleaned_data["tanggal"]
    upt_type = form.cleaned_data["jenis"]
    page.filters = [(_("Tanggal"), show_date(day)), *_type_filter(form)]
    statuses = status_sel.upt_statuses(
        user=request.user, day=day, now=page.generated_at, report_filter=scope.report_filter(upt_type)
    )
    totals = status_sel.status_totals(statuses)
    context = {"day": day, "totals": totals, "is_today": day == scope_sel.report_today(page.generated_at)}
    if level == NATIONAL:
        regions = status_sel.kanwil_statuses(scope_sel.report_kanwils(user=request.user), statuses)
        page.add(rt.kanwil_status_table(regions, totals, title=_("Per Kanwil")), sort=True)
        page.add(
            rt.overcrowded_table(
                status_sel.most_overcrowded(statuses, TOP_OVERCROWDED), title=_("UPT dengan kelebihan hunian tertinggi")
            )
        )
        page.add(_not_sent(scope, statuses, day, upt_type))
        context.update(_overstay(page, user=request.user, day=day, report_filter=scope.report_filter(upt_type)))
        if not page.wants_export():
            context["central"] = _central_operations(user=request.user)
    else:
        page.add(rt.upt_status_table(statuses, totals, title=_("UPT di wilayah")), sort=True)
        page.add(_not_sent(scope, statuses, day, upt_type))
        context.update(_overstay(page, user=request.user, day=day, report_filter=scope.report_filter(upt_type)))
        checks = checks_sel.daily_checks(user=request.user, day=day, report_filter=scope.report_filter(upt_type))
        context.update(_daily_check_tables(page, checks, show_kanwil=False))
    return page.response(template, context)


def _overstay(page: Page, *, user: AnyUser, day: dt.date, report_filter: scope_sel.ReportFilter) -> dict[str, object]:
    """The overstay sentinel's daily trend over the last ``OVERSTAY_TREND_DAYS`` days (from the snapshots; the
    day's counts are in the status totals). The people are only on their own UPT's pages (DESIGN §4)."""
    trend = breakdown_sel.occupancy_trend(
        user=user, start=day - dt.timedelta(days=OVERSTAY_TREND_DAYS - 1), end=day, report_filter=report_filter
    )
    page.add(rt.overstay_trend_table(trend, title=_("Ditahan melewati batas, per hari")))
    chart = {
        "labels": [show_date(p.day) for p in trend],
        "detainees": [p.overstay_detainees for p in trend],
        "sentenced": [p.overstay_sentenced for p in trend],
        "series": {
            "detainees": _("Tahanan melewati batas penahanan"),
            "sentenced": _("Narapidana melewati tanggal ekspirasi"),
        },
    }
    return {"overstay_chart": chart}


def _not_sent(scope: Scope, statuses: list[status_sel.UptStatus], day: dt.date, upt_type: str) -> tf.Table:
    """The UPTs without a package, longest silence first: the first ``NOT_SENT_SHOWN`` on the dashboard (the
    whole list of 531 ran down the national page), with a link to the day's full send list, worst first."""
    more = _urlencode({"dari": day.isoformat(), "sampai": day.isoformat(), "jenis": upt_type, "urut": "hunian_10"})
    return rt.not_sent_table(
        status_sel.not_sent(statuses),
        title=_("UPT yang belum mengirim data"),
        limit=NOT_SENT_SHOWN,
        more_url=f"{scope.url('_compliance')}?{more}",
    )


def _central_operations(*, user: AnyUser) -> dict[str, object]:
    """What Ditjenpas runs from the national dashboard: the consolidation button, the run in progress, the
    packages waiting for the next run, the last runs and the open conflicts. Five queries."""
    return {
        "active_run": run_sel.run_active(),
        "recent_runs": list(run_sel.runs_for(user=user)[:RECENT_RUNS]),
        "waiting": run_sel.inbox_waiting(user=user),
        "open_conflicts": run_sel.open_conflict_count(user=user),
        "may_consolidate": has_central_permission(user, Action.CONSOLIDATE),
    }


# --- Compliance ----------------------------------------------------------------------------------------


@require_safe
@login_required
def compliance(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    scope = _scope(request, level, code)
    form = RangeFilterForm(request.GET)
    page = Page(request, scope, title=_("Kepatuhan kiriman data"), tab="_compliance", form=form)
    template = "kanwil/compliance.html"
    if not form.is_valid():
        return page.invalid(template)
    start, end = form.cleaned_data["dari"], form.cleaned_data["sampai"]
    report_filter = scope.report_filter(form.cleaned_data["jenis"])
    page.filters = [(_("Periode"), _period(start, end)), *_type_filter(form)]
    show_kanwil = level == NATIONAL
    context = {"start": start, "end": end, "single_day": start == end, "presets": _presets(page.generated_at)}
    if start == end:
        statuses = status_sel.upt_statuses(
            user=request.user, day=end, now=page.generated_at, report_filter=report_filter
        )
        context["totals"] = status_sel.status_totals(statuses)
        page.add(rt.daily_list_table(statuses, title=_("Daftar kiriman harian"), show_kanwil=show_kanwil), sort=True)
    else:
        rows = compliance_sel.compliance(
            user=request.user, start=start, end=end, now=page.generated_at, report_filter=report_filter
        )
        totals = compliance_sel.compliance_totals(rows)
        context["ctotals"] = totals
        page.add(rt.compliance_table(rows, totals, title=_("Kepatuhan per UPT"), show_kanwil=show_kanwil), sort=True)
    return page.response(template, context)


@require_safe
@login_required
def scorecard(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    """The monthly data-quality scorecard of the scope's UPTs, ranked (docs/REPORTS.md)."""
    scope = _scope(request, level, code)
    form = MonthFilterForm(request.GET)
    page = Page(request, scope, title=_("Rapor kualitas data"), tab="_scorecard", form=form)
    template = "kanwil/scorecard.html"
    if not form.is_valid():
        return page.invalid(template)
    month = form.cleaned_data["bulan"]
    page.filters = [(_("Bulan"), month.strftime("%m-%Y")), *_type_filter(form)]
    cards = scorecard_sel.scorecards(
        user=request.user,
        month=month,
        now=page.generated_at,
        report_filter=scope.report_filter(form.cleaned_data["jenis"]),
    )
    national = level == NATIONAL
    page.add(st.scorecard_table(cards, title=_("Rapor kualitas data per UPT"), national=national), sort=True)
    scores = [c.score for c in cards if c.score is not None]
    context = {
        "month": month,
        "parts": [(str(label), weight) for label, weight in scorecard_sel.PARTS.values()],
        "scored": len(scores),
        "median_score": sorted(scores)[len(scores) // 2] if scores else None,
        "red": sum(1 for c in cards if c.level == "red"),
        "national": national,
    }
    return page.response(template, context)


def _period(start: dt.date, end: dt.date) -> str:
    if start == end:
        return show_date(start)
    return _("%(start)s s.d. %(end)s") % {"start": show_date(start), "end": show_date(end)}


def _presets(now: dt.datetime) -> list[dict[str, object]]:
    today = scope_sel.report_today(now)
    presets = [{"label": _("Hari ini"), "dari": today, "sampai": today}]
    for days in (7, 30, 90, 365):
        presets.append(
            {
                "label": _("%(n)s hari terakhir") % {"n": days},
                "dari": today - dt.timedelta(days=days - 1),
                "sampai": today,
            }
        )
    return presets


# --- Consolidation activity ------------------------------------------------------------------------------


@require_safe
@login_required
def activity(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    scope = _scope(request, level, code)
    form = ActivityFilterForm(request.GET)
    page = Page(request, scope, title=_("Aktivitas konsolidasi"), tab="_activity", form=form)
    template = "kanwil/activity.html"
    if not form.is_valid():
        return page.invalid(template)
    start, end = form.cleaned_data["dari"], form.cleaned_data["sampai"]
    page.filters = [(_("Periode"), _period(start, end)), *_type_filter(form)]
    runs = activity_sel.consolidation_runs(user=request.user, start=start, end=end)
    if page.wants_export():
        shown = list(runs)
        paginator_page = None
    else:
        paginator_page = page_of(request, runs, RUNS_PER_PAGE)
        shown = list(paginator_page.object_list)
    activity_rows = activity_sel.run_activity(
        user=request.user, runs=shown, report_filter=scope.report_filter(form.cleaned_data["jenis"])
    )
    scope_label = _("UPT nasional") if level == NATIONAL else _("UPT wilayah")
    page.add(
        rt.runs_table(activity_rows, title=_("Proses konsolidasi"), run_url=scope.run_url, scope_label=scope_label)
    )
    return page.response(template, {"page_obj": paginator_page, "start": start, "end": end})


@require_safe
@login_required
@never_cache
def run_detail(request: HttpRequest, level: str, run_id: int, code: str | None = None) -> HttpResponse:
    scope = _scope(request, level, code)
    run = activity_sel.consolidation_run_get(user=request.user, run_id=run_id)
    form = RunFilterForm(request.GET)
    page = Page(request, scope, title=_("Hasil konsolidasi #%(id)s") % {"id": run.pk}, tab="_activity", form=form)
    template = "kanwil/run.html"
    if not form.is_valid():
        return page.invalid(template)
    severity = form.cleaned_data["tingkat"]
    report_filter = scope.report_filter(form.cleaned_data["jenis"])
    page.filters = [(_("Proses"), f"#{run.pk} ({tf.fmt_datetime(run.created_at)} WIB)"), *_type_filter(form)]
    if severity:
        page.filters.append((_("Tingkat"), str(dict(activity_sel.SEVERITY_CHOICES)[severity])))
    results = activity_sel.run_results(user=request.user, run=run, report_filter=report_filter)
    page.add(rt.run_results_table(results, title=_("Hasil per UPT"), show_kanwil=level == NATIONAL), sort=True)
    reasons = activity_sel.run_issue_reasons(user=request.user, run=run, report_filter=report_filter, severity=severity)
    page.add(rt.issue_reasons_table(reasons, title=_("Alasan penolakan dan peringatan")))
    issues = activity_sel.run_issues(user=request.user, run=run, report_filter=report_filter, severity=severity)
    paginator_page = None
    # Row issues quote person values (NIKs, birth dates) of the scope's records: each page that shows some and
    # each export of them is a person view in the audit trail (docs/TRUST.md, "Audit trail").
    fmt = page.wants_export()
    rows: Iterable[RowIssue]
    if fmt:
        rows = issues.iterator(chunk_size=2000)
        if request.GET.get("tabel") == "baris":
            audit_row_issues_seen(request=request, run=run, scope=scope.stem, upt=scope.upt, exported=fmt)
    else:
        paginator_page = page_of(request, issues, ISSUES_PER_PAGE)
        rows = paginator_page.object_list
        if paginator_page.object_list:
            audit_row_issues_seen(request=request, run=run, scope=scope.stem, upt=scope.upt)
    page.add(rt.issues_table(rows, title=_("Baris bermasalah")))
    context: dict[str, object] = {"run": run, "page_obj": paginator_page, "run_active": run.state in ACTIVE_RUN_STATES}
    checks = checks_sel.daily_checks(user=request.user, run=run, report_filter=report_filter)
    context.update(_daily_check_tables(page, checks, show_kanwil=level == NATIONAL))
    if scope.level == NATIONAL and not fmt:
        context.update(_central_run(user=request.user, run=run))
    return page.response(template, context)


def _daily_check_tables(page: Page, checks: list[checks_sel.DailyCheck], *, show_kanwil: bool) -> dict[str, object]:
    """The daily checks' panel: the UPTs whose population does not reconcile and the flagged figures (the
    summary counts every UPT of the scope)."""
    findings = checks_sel.findings(checks)
    page.add(
        ct.reconciliation_table(
            [c for c in findings if c.is_break], title=_("Selisih rekonsiliasi"), show_kanwil=show_kanwil
        )
    )
    page.add(ct.anomaly_table(findings, title=_("Angka harian yang menyimpang"), show_kanwil=show_kanwil))
    return {"checks_totals": checks_sel.daily_check_totals(checks)}


def _central_run(*, user: AnyUser, run: ConsolidationRun) -> dict[str, object]:
    """What only the national view of a run shows: the run's national totals and error, its packages (the
    latest of a UPT may be reopened by central) and the conflicts it found. Three queries."""
    submissions = list(run_sel.run_submissions(user=user, run=run))
    return {
        "national": True,
        "submissions": submissions,
        "reopenable": run_sel.latest_consolidated_ids(submissions),
        "conflicts": list(run_sel.conflicts_for(user=user).filter(detected_run=run)[:RUN_CONFLICTS]),
        "may_resolve": has_central_permission(user, Action.RESOLVE),
    }


# --- Occupancy: breakdowns and trends --------------------------------------------------------------------


def _occupancy_tables(
    page: Page, *, user: AnyUser, day: dt.date, period: int, report_filter: scope_sel.ReportFilter
) -> dict[str, object]:
    breakdown = breakdown_sel.occupancy_breakdown(user=user, day=day, report_filter=report_filter)
    trend = breakdown_sel.occupancy_trend(
        user=user, start=day - dt.timedelta(days=period - 1), end=day, report_filter=report_filter
    )
    total = breakdown.total
    page.add(
        rt.breakdown_table(
            "register",
            [*breakdown.by_register],
            title=_("Menurut register"),
            first_label=_("Register"),
            with_groups=False,
            total_line=total,
        )
    )
    page.add(
        rt.breakdown_table(
            "golongan",
            [breakdown.detainees, breakdown.sentenced],
            title=_("Tahanan dan narapidana"),
            first_label=_("Golongan"),
            with_groups=False,
            total_line=total,
        )
    )
    page.add(
        rt.breakdown_table(
            "jenis_kelamin",
            breakdown.by_sex,
            title=_("Menurut jenis kelamin"),
            first_label=_("Jenis kelamin"),
            with_groups=True,
            with_sexes=False,
            total_line=total,
        )
    )
    page.add(
        rt.breakdown_table(
            "kejahatan",
            breakdown.by_crime,
            title=_("Menurut kategori kejahatan"),
            first_label=_("Kategori"),
            with_groups=True,
            total_line=total,
        )
    )
    page.add(rt.trend_table(trend, title=_("Hunian harian")))
    chart = {
        "labels": [show_date(p.day) for p in trend],
        "occupants": [p.occupancy.total for p in trend],
        "capacity": [p.capacity for p in trend],
        "detainees": [p.detainees for p in trend],
        "sentenced": [p.sentenced for p in trend],
        "series": {
            "occupants": _("Jumlah penghuni"),
            "capacity": _("Kapasitas"),
            "detainees": _("Tahanan"),
            "sentenced": _("Narapidana"),
        },
    }
    return {"breakdown": breakdown, "trend_chart": chart, "period": period, "day": day}


@require_safe
@login_required
def occupancy(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    scope = _scope(request, level, code)
    form = OccupancyFilterForm(request.GET)
    page = Page(request, scope, title=_("Hunian: rincian dan tren"), tab="_occupancy", form=form)
    template = "kanwil/occupancy.html"
    if not form.is_valid():
        return page.invalid(template)
    day, period = form.cleaned_data["tanggal"], form.cleaned_data["periode"]
    page.filters = [
        (_("Per tanggal"), show_date(day)),
        (_("Periode grafik"), _("%(n)s hari") % {"n": period}),
        *_type_filter(form),
    ]
    context = _occupancy_tables(
        page, user=request.user, day=day, period=period, report_filter=scope.report_filter(form.cleaned_data["jenis"])
    )
    return page.response(template, context)


# --- One UPT ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def upt_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request, UPT, code)
    form = OccupancyFilterForm(request.GET)
    page = Page(request, scope, title=_("Laporan UPT"), tab="", form=form)
    template = "kanwil/upt.html"
    if not form.is_valid():
        return page.invalid(template)
    day, period = form.cleaned_data["tanggal"], form.cleaned_data["periode"]
    page.filters = [
        (_("Tanggal"), show_date(day)),
        (_("Periode riwayat"), _("%(n)s hari") % {"n": period}),
    ]
    report_filter = scope.report_filter()
    statuses = status_sel.upt_statuses(user=request.user, day=day, now=page.generated_at, report_filter=report_filter)
    if not statuses:  # the UPT left the scope between the two reads
        raise Http404
    status = statuses[0]
    history = compliance_sel.upt_daily_compliance(
        user=request.user, upt=scope.unit, start=day - dt.timedelta(days=period - 1), end=day, now=page.generated_at
    )
    page.add(rt.upt_history_table(history, title=_("Riwayat kiriman")))
    page.add(
        st.scorecard_trend_table(
            scorecard_sel.scorecard_trend(user=request.user, upt=scope.unit, now=page.generated_at),
            title=_("Rapor kualitas data per bulan"),
        )
    )
    page.add(
        rt.upt_results_table(
            activity_sel.upt_recent_results(user=request.user, upt=scope.unit),
            title=_("Hasil konsolidasi terakhir"),
            upt=scope.upt,
        )
    )
    context = _occupancy_tables(page, user=request.user, day=day, period=period, report_filter=report_filter)
    context.update(
        {
            "status": status,
            "history_summary": {
                "on_time": sum(1 for d in history if d.occupancy_state == scope_sel.SendState.ON_TIME),
                "late": sum(1 for d in history if d.occupancy_state == scope_sel.SendState.LATE),
                "missed": sum(1 for d in history if d.occupancy_state == scope_sel.SendState.MISSED),
            },
        }
    )
    return page.response(template, context)


@require_safe
@login_required
@never_cache
def upt_run(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    return run_detail(request, UPT, run_id, code)
