"""Submissions API: ``POST /api/v1/submissions/`` receives a package (the same service as the web button
and the file upload); ``GET`` lists the submissions in the caller's scope and shows one with its results."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, parsers, status
from rest_framework.request import Request
from rest_framework.response import Response

from central.api.serializers import (
    DetailSerializer,
    PackageRejectedSerializer,
    PackageSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
)
from central.models import Channel, PackageKind, SubmissionState
from central.package import PackageRejected
from central.selectors.inbox import (
    submission_get,
    submission_issue_counts,
    submission_issues,
    submissions_for,
    sync_state_for,
)
from central.services.inbox import PackageConflict, submission_receive


class PackageParser(parsers.BaseParser):
    """The raw body, read up to one byte past the size limit: the receiving service parses and judges it."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        if stream is None:
            return b""
        return stream.read(settings.SUBMISSION_MAX_BYTES + 1)


class GzipPackageParser(PackageParser):
    media_type = "application/gzip"


def detail_context(request, submission) -> dict:
    return {
        "request": request,
        "issues": list(submission_issues(request.user, submission)),
        "issue_counts": submission_issue_counts(request.user, submission),
        "sync": sync_state_for(request.user, submission.upt),
    }


def rejected_response(exc: PackageRejected) -> Response:
    return Response(
        {
            "detail": _("Paket ditolak; tidak ada yang disimpan. Perbaiki kesalahan berikut lalu kirim ulang."),
            "errors": exc.errors,
            "truncated": exc.truncated,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


_ERRORS = {
    400: OpenApiResponse(
        PackageRejectedSerializer, description=gettext_lazy("Paket ditolak; tidak ada yang disimpan.")
    ),
    401: OpenApiResponse(DetailSerializer, description=gettext_lazy("Belum masuk (token atau sesi).")),
    403: OpenApiResponse(DetailSerializer, description=gettext_lazy("Pengirim bukan operator UPT paket ini.")),
    409: OpenApiResponse(DetailSerializer, description=gettext_lazy("ID paket sudah dipakai untuk isi yang berbeda.")),
}


class SubmissionListCreate(generics.GenericAPIView):
    serializer_class = SubmissionSerializer
    parser_classes = [PackageParser, GzipPackageParser]

    @extend_schema(
        operation_id="submissions_list",
        summary=gettext_lazy("Daftar kiriman dalam cakupan pengguna"),
        parameters=[
            OpenApiParameter("upt", str, description=gettext_lazy("Kode UPT")),
            OpenApiParameter("state", str, enum=SubmissionState.values),
            OpenApiParameter("kind", str, enum=PackageKind.values),
            OpenApiParameter("report_date", OpenApiTypes.DATE, description=gettext_lazy("Tanggal laporan (WIB)")),
        ],
        responses={200: SubmissionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        report_date = None
        if params.get("report_date"):
            try:
                report_date = date.fromisoformat(params["report_date"])
            except ValueError:
                return Response(
                    {"detail": _("report_date harus tanggal YYYY-MM-DD.")}, status=status.HTTP_400_BAD_REQUEST
                )
        qs = submissions_for(
            request.user,
            state=params.get("state") or None,
            kind=params.get("kind") or None,
            report_date=report_date,
        )
        if params.get("upt"):
            qs = qs.filter(upt__code=params["upt"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="submissions_create",
        summary=gettext_lazy("Kirim paket harian UPT"),
        description=gettext_lazy(
            "Menerima satu paket harian (JSON, boleh gzip). Paket baru: 201. Paket yang sama (ID dan isi sama) "
            "dikirim ulang: 200 dengan kiriman aslinya, tidak disimpan dua kali. ID sama dengan isi berbeda: 409. "
            "Hanya operator UPT paket itu yang boleh mengirim (403 untuk yang lain). Kesalahan bentuk, versi, "
            "ukuran, kode, jumlah atau checksum: 400 dengan daftar kesalahan, tidak ada yang disimpan."
        ),
        request={"application/json": PackageSerializer, "application/gzip": OpenApiTypes.BINARY},
        responses={
            201: OpenApiResponse(
                SubmissionDetailSerializer, description=gettext_lazy("Paket diterima, menunggu konsolidasi.")
            ),
            200: OpenApiResponse(
                SubmissionDetailSerializer, description=gettext_lazy("Paket ini sudah diterima sebelumnya.")
            ),
            **_ERRORS,
        },
        examples=[
            OpenApiExample(
                "Kesalahan paket",
                status_codes=["400"],
                response_only=True,
                value={
                    "detail": "Paket ditolak; tidak ada yang disimpan.",
                    "errors": [
                        {"path": "persons[3].register", "code": "invalid_choice", "message": "Kode 'X' tidak dikenal."}
                    ],
                    "truncated": False,
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            result = submission_receive(
                user=request.user, payload=request.data or b"", channel=Channel.API, request=request
            )
        except PackageRejected as exc:
            return rejected_response(exc)
        except PermissionDenied as exc:
            return Response({"detail": str(exc) or _("Akses ditolak.")}, status=status.HTTP_403_FORBIDDEN)
        except PackageConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        submission = result.submission
        data = SubmissionDetailSerializer(submission, context=detail_context(request, submission)).data
        return Response(data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class SubmissionDetail(generics.GenericAPIView):
    serializer_class = SubmissionDetailSerializer

    @extend_schema(
        operation_id="submissions_retrieve",
        summary=gettext_lazy("Status dan hasil satu kiriman"),
        responses={200: SubmissionDetailSerializer, 404: OpenApiResponse(DetailSerializer)},
    )
    def get(self, request: Request, package_id) -> Response:
        submission = submission_get(request.user, package_id)
        return Response(SubmissionDetailSerializer(submission, context=detail_context(request, submission)).data)
