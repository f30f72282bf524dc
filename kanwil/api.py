"""Read-only report API: ``GET /api/v1/reports/occupancy/``, ``/compliance/`` and ``/daily-checks/``.

Token or session authentication; figures scoped like the pages (a Kanwil user sees its region, an operator
its UPT, central the nation). A ``kanwil`` or ``upt`` filter outside the user's scope answers 404 (403 for an
operator naming their own UPT's region, whose reports are not theirs). Only GET and HEAD are answered
(every other method, OPTIONS included, 405).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from central.api.contract import HTTP_METHODS, WWW_AUTHENTICATE, ApiPagination, errors
from central.selectors.reports import common as scope_sel
from central.selectors.reports import compliance as compliance_sel
from central.selectors.reports import daily_checks as checks_sel
from central.selectors.reports import scorecard as scorecard_sel
from central.selectors.reports import status as status_sel
from kanwil.serializers import (
    ComplianceQuerySerializer,
    ComplianceReportSerializer,
    ComplianceRowSerializer,
    ComplianceTotalsSerializer,
    DailyCheckRowSerializer,
    DailyChecksQuerySerializer,
    DailyChecksReportSerializer,
    DailyChecksTotalsSerializer,
    OccupancyQuerySerializer,
    OccupancyReportSerializer,
    OccupancyRowSerializer,
    OccupancyTotalsSerializer,
    ScorecardQuerySerializer,
    ScorecardReportSerializer,
    ScorecardRowSerializer,
)


class ReportPagination(ApiPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


_ERRORS = errors(
    400,
    401,
    403,
    404,
    d403=gettext_lazy("Pengguna tanpa cakupan laporan, atau operator yang meminta laporan wilayahnya."),
    d404=gettext_lazy("Kanwil atau UPT di luar cakupan pengguna, atau halaman melewati halaman terakhir."),
)


def _moment(value: datetime) -> Any:
    """A time written as every other time in the API is: in WIB, with its offset."""
    return serializers.DateTimeField().to_representation(value)


class ReportView(GenericAPIView[Any]):
    http_method_names = HTTP_METHODS
    pagination_class = ReportPagination
    query_serializer_class: type[serializers.Serializer[Any]]

    @property
    def report_paginator(self) -> ReportPagination:
        assert isinstance(self.paginator, ReportPagination)
        return self.paginator

    def report_filter(self, params: dict[str, Any]) -> scope_sel.ReportFilter:
        user = self.request.user
        kanwil = scope_sel.report_kanwil_get(user=user, code=params["kanwil"]) if params.get("kanwil") else None
        upt = scope_sel.report_upt_get(user=user, code=params["upt"]) if params.get("upt") else None
        return scope_sel.ReportFilter(kanwil=kanwil, upt=upt, upt_type=params.get("upt_type", ""))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not scope_sel.has_report_scope(user=request.user):
            raise PermissionDenied

    def query(self) -> dict[str, Any]:
        serializer = self.query_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# The responses are documented whole (totals beside the page), so the page parameters are named here.
_PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description=ReportPagination.page_query_description),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": ReportPagination.max_page_size},
        description=gettext_lazy("Jumlah baris per halaman (1–1000, bawaan 100)."),
    ),
]


class OccupancyReportView(ReportView):
    """Occupancy of each UPT in scope on a day: its latest snapshot on or before that day."""

    query_serializer_class = OccupancyQuerySerializer
    serializer_class = OccupancyRowSerializer

    @extend_schema(
        operation_id="reports_occupancy",
        summary=gettext_lazy("Hunian per UPT (tahanan, narapidana, kapasitas, kelebihan hunian)"),
        parameters=[OccupancyQuerySerializer, *_PAGE_PARAMETERS, WWW_AUTHENTICATE],
        responses={200: OccupancyReportSerializer, **_ERRORS},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        params = self.query()
        now = timezone.now()
        day = params.get("date") or scope_sel.report_today(now)
        statuses = status_sel.upt_statuses(
            user=request.user, day=day, now=now, report_filter=self.report_filter(params)
        )
        totals = status_sel.status_totals(statuses)
        page = self.paginate_queryset(statuses)  # type: ignore[arg-type]  # a list pages as well as a queryset
        return self.report_paginator.get_paginated_response(
            OccupancyRowSerializer(page, many=True).data,
            extra={"generated_at": _moment(now), "date": day, "totals": OccupancyTotalsSerializer(totals).data},
        )


class ComplianceReportView(ReportView):
    """Timeliness of each UPT in scope over a day or a range: days sent, late, missed, streaks."""

    query_serializer_class = ComplianceQuerySerializer
    serializer_class = ComplianceRowSerializer

    @extend_schema(
        operation_id="reports_compliance",
        summary=gettext_lazy("Kepatuhan kiriman per UPT (terlambat, tidak kirim, hari beruntun)"),
        parameters=[ComplianceQuerySerializer, *_PAGE_PARAMETERS, WWW_AUTHENTICATE],
        responses={200: ComplianceReportSerializer, **_ERRORS},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        params = self.query()
        now = timezone.now()
        rows = compliance_sel.compliance(
            user=request.user,
            start=params["start"],
            end=params["end"],
            now=now,
            report_filter=self.report_filter(params),
        )
        totals = compliance_sel.compliance_totals(rows)
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]  # a list pages as well as a queryset
        return self.report_paginator.get_paginated_response(
            ComplianceRowSerializer(page, many=True).data,
            extra={
                "generated_at": _moment(now),
                "start": params["start"],
                "end": params["end"],
                "totals": ComplianceTotalsSerializer(totals).data,
            },
        )


class DailyChecksReportView(ReportView):
    """Each UPT's daily reconciliation and anomaly scores on a snapshot day: the rows of the run page and the
    Kanwil dashboard's panel, with the same figures. Totals count every UPT of the scope."""

    query_serializer_class = DailyChecksQuerySerializer
    serializer_class = DailyCheckRowSerializer

    @extend_schema(
        operation_id="reports_daily_checks",
        summary=gettext_lazy("Rekonsiliasi harian dan anomali per UPT"),
        parameters=[DailyChecksQuerySerializer, *_PAGE_PARAMETERS, WWW_AUTHENTICATE],
        responses={200: DailyChecksReportSerializer, **_ERRORS},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        params = self.query()
        now = timezone.now()
        day = params.get("date") or scope_sel.report_today(now)
        checks = checks_sel.daily_checks(user=request.user, day=day, report_filter=self.report_filter(params))
        totals = checks_sel.daily_check_totals(checks)
        rows = checks_sel.findings(checks) if params.get("findings_only") else checks
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]  # a list pages as well as a queryset
        return self.report_paginator.get_paginated_response(
            DailyCheckRowSerializer(page, many=True).data,
            extra={"generated_at": _moment(now), "date": day, "totals": DailyChecksTotalsSerializer(totals).data},
        )


class ScorecardReportView(ReportView):
    """Each UPT's monthly data-quality scorecard (docs/REPORTS.md): its parts, score and ranks, best first."""

    query_serializer_class = ScorecardQuerySerializer
    serializer_class = ScorecardRowSerializer

    @extend_schema(
        operation_id="reports_scorecard",
        summary=gettext_lazy("Rapor kualitas data bulanan per UPT"),
        parameters=[ScorecardQuerySerializer, *_PAGE_PARAMETERS, WWW_AUTHENTICATE],
        responses={200: ScorecardReportSerializer, **_ERRORS},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        params = self.query()
        now = timezone.now()
        month = params.get("month") or scorecard_sel.month_start(scope_sel.report_today(now))
        cards = scorecard_sel.scorecards(
            user=request.user, month=month, now=now, report_filter=self.report_filter(params)
        )
        page = self.paginate_queryset(cards)  # type: ignore[arg-type]  # a list pages as well as a queryset
        return self.report_paginator.get_paginated_response(
            ScorecardRowSerializer(page, many=True).data, extra={"generated_at": _moment(now), "month": month}
        )
