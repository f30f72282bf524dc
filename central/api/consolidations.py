"""Consolidations API: ``POST /api/v1/consolidations/`` starts a run (or returns the one already queued or
running) through the same service as the button; ``GET`` lists runs and shows one with its progress — the
run page polls it for live progress. Per-UPT results are limited to the caller's scope; national totals
and the failure reason only to central."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from central.api.contract import HTTP_METHODS, PAGE_PAST_THE_END, WWW_AUTHENTICATE, errors, location_header
from central.models import ConsolidationRun, RunTrigger, RunUptResult
from central.selectors import consolidation as sel
from central.services.consolidation import consolidation_request


class RunUptResultSerializer(serializers.ModelSerializer[Any]):
    upt = serializers.CharField(source="upt.code")
    upt_name = serializers.CharField(source="upt.name")

    class Meta:
        model = RunUptResult
        fields = [
            "upt",
            "upt_name",
            "submissions_count",
            "rows_received",
            "rows_accepted",
            "rows_rejected",
            "rows_warned",
            "conflicts",
        ]


class RunTotalsSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = ConsolidationRun
        fields = [
            "submissions_count",
            "rows_received",
            "rows_accepted",
            "rows_rejected",
            "rows_warned",
            "rows_written",
            "conflicts_found",
        ]


class ConsolidationRunSerializer(serializers.ModelSerializer[Any]):
    state_display = serializers.CharField(source="get_state_display")
    trigger_display = serializers.CharField(source="get_trigger_display")
    triggered_by = serializers.SerializerMethodField()
    step_display = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    upt_results = serializers.SerializerMethodField()

    class Meta:
        model = ConsolidationRun
        fields = [
            "id",
            "state",
            "state_display",
            "active",
            "trigger",
            "trigger_display",
            "triggered_by",
            "step",
            "step_display",
            "progress",
            "snapshot_date",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "totals",
            "upt_results",
        ]

    def get_triggered_by(self, run: ConsolidationRun) -> str | None:
        return run.triggered_by.get_username() if run.triggered_by else None

    def get_step_display(self, run: ConsolidationRun) -> str:
        return _(run.step) if run.step else ""

    def get_active(self, run: ConsolidationRun) -> bool:
        return run.state in ("queued", "running")

    def _national(self) -> bool:
        return sel.sees_national(user=self.context["request"].user)

    @extend_schema_field(RunTotalsSerializer(allow_null=True))
    def get_totals(self, run: ConsolidationRun) -> dict[str, Any] | None:
        return dict(RunTotalsSerializer(run).data) if self._national() else None

    def get_error(self, run: ConsolidationRun) -> str | None:
        return run.error if self._national() else None

    @extend_schema_field(RunUptResultSerializer(many=True))
    def get_upt_results(self, run: ConsolidationRun) -> list[dict[str, Any]]:
        results = self.context.get("results")
        rows = (
            results.get(run.pk, [])
            if results is not None
            else sel.run_results(user=self.context["request"].user, run=run)
        )
        return list(RunUptResultSerializer(rows, many=True).data)


_NO_SCOPE = gettext_lazy("Pengguna tanpa UPT, Kanwil atau peran pusat.")


def _scope_or_403(request: Request) -> None:
    if not sel.may_see_runs(user=request.user):
        raise PermissionDenied(_("Anda tidak memiliki akses ke data konsolidasi."))


class ConsolidationListCreate(generics.GenericAPIView[ConsolidationRun]):
    http_method_names = HTTP_METHODS
    serializer_class = ConsolidationRunSerializer

    def get_queryset(self) -> QuerySet[ConsolidationRun]:
        return sel.runs_for(user=self.request.user)

    @extend_schema(
        operation_id="consolidations_list",
        summary=gettext_lazy("Daftar proses konsolidasi"),
        description=gettext_lazy(
            "Terbaru lebih dulu. Hasil per UPT dibatasi pada cakupan pengguna; total nasional hanya untuk pusat."
        ),
        parameters=[WWW_AUTHENTICATE],
        responses={
            200: ConsolidationRunSerializer(many=True),
            **errors(400, 401, 403, 404, d403=_NO_SCOPE, d404=PAGE_PAST_THE_END),
        },
        tags=["consolidations"],
    )
    def get(self, request: Request) -> Response:
        _scope_or_403(request)
        page = self.paginate_queryset(self.get_queryset()) or []
        context = {**self.get_serializer_context(), "results": sel.run_results_by_run(user=request.user, runs=page)}
        return self.get_paginated_response(ConsolidationRunSerializer(page, many=True, context=context).data)

    @extend_schema(
        operation_id="consolidations_create",
        summary=gettext_lazy("Jalankan konsolidasi"),
        description=gettext_lazy(
            "Hanya pusat (Ditjenpas). Jika sudah ada konsolidasi dalam antrean atau berjalan, konsolidasi itu yang "
            "dikembalikan (200), tidak dibuat yang baru; selain itu 202 dan konsolidasi dijalankan oleh worker."
        ),
        request=None,
        responses={
            202: OpenApiResponse(
                ConsolidationRunSerializer,
                description=gettext_lazy("Konsolidasi baru dalam antrean; header Location menunjuk statusnya."),
            ),
            200: OpenApiResponse(
                ConsolidationRunSerializer,
                description=gettext_lazy("Konsolidasi yang sudah dalam antrean atau berjalan."),
            ),
            **errors(400, 401, 403, d403=gettext_lazy("Bukan pengguna pusat.")),
        },
        parameters=[location_header(202), WWW_AUTHENTICATE],
        tags=["consolidations"],
    )
    def post(self, request: Request) -> Response:
        result = consolidation_request(user=request.user, trigger=RunTrigger.API, request=request)
        body = ConsolidationRunSerializer(result.run, context=self.get_serializer_context()).data
        if not result.created:
            return Response(body, status=status.HTTP_200_OK)
        location = request.build_absolute_uri(reverse("api:consolidation-detail", args=[result.run.pk]))
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ConsolidationDetail(generics.GenericAPIView[ConsolidationRun]):
    http_method_names = HTTP_METHODS
    serializer_class = ConsolidationRunSerializer

    @extend_schema(
        operation_id="consolidations_retrieve",
        summary=gettext_lazy("Satu proses konsolidasi, dengan kemajuan (langkah, persen)"),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Nomor proses.")),
            WWW_AUTHENTICATE,
        ],
        responses={
            200: ConsolidationRunSerializer,
            **errors(400, 401, 403, 404, d403=_NO_SCOPE, d404=gettext_lazy("Tidak ada proses dengan nomor ini.")),
        },
        tags=["consolidations"],
    )
    def get(self, request: Request, pk: str) -> Response:
        _scope_or_403(request)
        # The route takes any segment so that a malformed number gets the API's JSON 404.
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise NotFound
        run = sel.run_get(user=request.user, run_id=int(pk))
        return Response(ConsolidationRunSerializer(run, context=self.get_serializer_context()).data)
