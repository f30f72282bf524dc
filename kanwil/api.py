"""Read-only report API: ``GET /api/v1/reports/occupancy/`` and ``/api/v1/reports/compliance/``.

Token or session authentication; figures scoped like the pages (a Kanwil user sees its region, an operator
its UPT, central the nation). A ``kanwil`` or ``upt`` filter outside the user's scope answers 404 (403 for an
operator naming their own UPT's region, whose reports are not theirs). Only GET and HEAD are answered
(every other method, OPTIONS included, 405).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from central.selectors import reports as sel
from kanwil.serializers import (
    ComplianceQuerySerializer,
    ComplianceReportSerializer,
    ComplianceRowSerializer,
    ComplianceTotalsSerializer,
    OccupancyQuerySerializer,
    OccupancyReportSerializer,
    OccupancyRowSerializer,
    OccupancyTotalsSerializer,
)


class ReportPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response(self, data, extra=None):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                **(extra or {}),
                "results": data,
            }
        )


class ReportView(GenericAPIView):
    pagination_class = ReportPagination
    metadata_class = None  # OPTIONS answers 405: the report API is GET only
    query_serializer_class = None

    def report_filter(self, params) -> sel.ReportFilter:
        user = self.request.user
        kanwil = sel.report_kanwil_get(user, code=params["kanwil"]) if params.get("kanwil") else None
        upt = sel.report_upt_get(user, code=params["upt"]) if params.get("upt") else None
        return sel.ReportFilter(kanwil=kanwil, upt=upt, upt_type=params.get("upt_type", ""))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not sel.has_report_scope(request.user):
            raise PermissionDenied

    def query(self) -> dict:
        serializer = self.query_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class OccupancyReportView(ReportView):
    """Occupancy of each UPT in scope on a day: its latest snapshot on or before that day."""

    query_serializer_class = OccupancyQuerySerializer
    serializer_class = OccupancyRowSerializer

    @extend_schema(
        operation_id="reports_occupancy",
        summary=gettext_lazy("Hunian per UPT (tahanan, narapidana, kapasitas, kelebihan hunian)"),
        parameters=[OccupancyQuerySerializer],
        responses=OccupancyReportSerializer,
        tags=["reports"],
    )
    def get(self, request):
        params = self.query()
        now = timezone.now()
        day = params.get("date") or sel.report_today(now)
        statuses = sel.upt_statuses(request.user, day=day, now=now, report_filter=self.report_filter(params))
        totals = sel.status_totals(statuses)
        page = self.paginate_queryset(statuses)
        return self.paginator.get_paginated_response(
            OccupancyRowSerializer(page, many=True).data,
            extra={"generated_at": now, "date": day, "totals": OccupancyTotalsSerializer(totals).data},
        )


class ComplianceReportView(ReportView):
    """Timeliness of each UPT in scope over a day or a range: days sent, late, missed, streaks."""

    query_serializer_class = ComplianceQuerySerializer
    serializer_class = ComplianceRowSerializer

    @extend_schema(
        operation_id="reports_compliance",
        summary=gettext_lazy("Kepatuhan kiriman per UPT (terlambat, tidak kirim, hari beruntun)"),
        parameters=[ComplianceQuerySerializer],
        responses=ComplianceReportSerializer,
        tags=["reports"],
    )
    def get(self, request):
        params = self.query()
        now = timezone.now()
        rows = sel.compliance(
            request.user, start=params["start"], end=params["end"], now=now, report_filter=self.report_filter(params)
        )
        totals = sel.compliance_totals(rows)
        page = self.paginate_queryset(rows)
        return self.paginator.get_paginated_response(
            ComplianceRowSerializer(page, many=True).data,
            extra={
                "generated_at": now,
                "start": params["start"],
                "end": params["end"],
                "totals": ComplianceTotalsSerializer(totals).data,
            },
        )
