"""Submissions API: ``POST /api/v1/submissions/`` receives a package (the same service as the web button
and the file upload); ``GET`` lists the submissions in the caller's scope and shows one with its results.
``POST /api/v1/auth/token/`` exchanges a username and password for a token."""

from __future__ import annotations

import uuid
from typing import Any, cast

from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, parsers, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from central import package as pkg
from central.api.contract import (
    HTTP_METHODS,
    PAGE_PAST_THE_END,
    RETRY_AFTER,
    RETRY_AFTER_BUSY,
    WWW_AUTHENTICATE,
    errors,
    location_header,
)
from central.api.serializers import (
    AuthTokenSerializer,
    CredentialsSerializer,
    PackageRejectedSerializer,
    PackageSerializer,
    SubmissionDetailSerializer,
    SubmissionQuerySerializer,
    SubmissionSerializer,
)
from central.models import Channel, Submission
from central.package import PackageRejected
from central.selectors.inbox import (
    submission_get,
    submission_issue_counts,
    submission_issues,
    submissions_for,
    sync_state_for,
)
from central.services.inbox import PackageConflict, ReceiverBusy, submission_receive
from central.services.tokens import token_issue

GZIP_MAGIC = b"\x1f\x8b"


class PackageParser(parsers.BaseParser):
    """The raw body, read up to one byte past the size limit: the receiving service parses and judges it.

    The headers say how the body is encoded, and the body must be as they say: ``application/json`` is
    plain JSON unless ``Content-Encoding: gzip`` says it is compressed; ``application/gzip`` is compressed.
    Any other content coding is refused (415) rather than guessed at.
    """

    media_type = "application/json"
    compressed = False

    def parse(  # type: ignore[override]  # the raw package: central.package decodes and validates it
        self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None
    ) -> bytes:
        meta = parser_context["request"].META if parser_context else {}
        coding = meta.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if coding not in ("", "identity", "gzip") or (coding == "gzip" and self.compressed):
            raise exceptions.UnsupportedMediaType(
                media_type or "",
                detail=_(
                    "Content-Encoding %(coding)s tidak didukung; gunakan gzip (untuk application/json) atau tanpa."
                )
                % {"coding": coding[:40]},
            )
        limit = settings.SUBMISSION_MAX_BYTES
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:  # refused before reading what will not be kept
            raise pkg.too_large(limit)
        body = stream.read(limit + 1) if stream is not None else b""
        if (self.compressed or coding == "gzip") != body.startswith(GZIP_MAGIC):
            if self.compressed or coding == "gzip":
                message = _("Isi permintaan bukan gzip, padahal Content-Type atau Content-Encoding menyatakannya gzip.")
            else:
                message = _("Isi permintaan gzip tanpa Content-Encoding: gzip; nyatakan pemampatannya.")
            raise pkg.PackageRejected.one("malformed", message)
        return body


class GzipPackageParser(PackageParser):
    media_type = "application/gzip"
    compressed = True


def detail_context(request: Request, submission: Submission) -> dict[str, Any]:
    return {
        "request": request,
        "issues": list(submission_issues(user=request.user, submission=submission)),
        "issue_counts": submission_issue_counts(user=request.user, submission=submission),
        "sync": sync_state_for(user=request.user, upt=submission.upt),
    }


def rejected_response(exc: PackageRejected) -> Response:
    too_large = any(error["code"] == "too_large" for error in exc.errors)
    return Response(
        {
            "detail": _("Paket ditolak; tidak ada yang disimpan. Perbaiki kesalahan berikut lalu kirim ulang."),
            "errors": exc.errors,
            "truncated": exc.truncated,
        },
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if too_large else status.HTTP_400_BAD_REQUEST,
    )


class TokenObtain(APIView):
    """A username and password (and a device name) for a new token, JSON only; a locked-out account
    (django-axes) is answered 429."""

    http_method_names = HTTP_METHODS

    parser_classes = [parsers.JSONParser]
    authentication_classes: list[type[Any]] = []  # a stale token in the header must not stand in the way of a new one
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        summary=gettext_lazy("Tukar nama pengguna dan kata sandi dengan token API"),
        description=gettext_lazy(
            "Token dipakai pada setiap permintaan lain sebagai header Authorization: Token <token>. Hanya "
            "hash-nya yang disimpan: token ditampilkan sekali ini saja. Token berlaku sampai expiry "
            "(API_TOKEN_TTL_HOURS, bawaan 720 jam = 30 hari), lalu minta token baru. Satu token per perangkat "
            "(name): meminta lagi dengan nama perangkat yang sama mencabut token lama perangkat itu. Semua token "
            "pengguna dicabut bila kata sandinya diganti, akunnya dinonaktifkan atau peran/unitnya diubah; "
            "pengguna melihat dan mencabut tokennya di halaman Token API. Token yang tidak berlaku lagi dijawab "
            "401. Setelah beberapa kali salah kata sandi, akun dikunci sementara dari alamat itu (429, "
            "Retry-After)."
        ),
        request=CredentialsSerializer,
        responses={
            200: AuthTokenSerializer,
            **errors(400, 415, 429, d400=gettext_lazy("Nama pengguna atau kata sandi salah, atau tidak diisi.")),
        },
        parameters=[RETRY_AFTER],
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        credentials = CredentialsSerializer(data=request.data, context={"request": request})
        try:
            credentials.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # django-axes marks the request it was given (DRF's) when the account is locked out.
            if getattr(request, "axes_locked_out", False):
                return locked_out_response(request)
            raise
        token, secret = token_issue(
            user=credentials.validated_data["user"], name=credentials.validated_data.get("name", ""), request=request
        )
        return Response(AuthTokenSerializer({"token": secret, "name": token.name, "expiry": token.expiry}).data)


def locked_out_response(request: Request) -> Response:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = Response(
        {
            "detail": _("Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah %(seconds)s detik.")
            % {"seconds": seconds}
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response


_CREATE_ERRORS = {
    400: OpenApiResponse(
        PackageRejectedSerializer, description=gettext_lazy("Paket ditolak; tidak ada yang disimpan.")
    ),
    413: OpenApiResponse(
        PackageRejectedSerializer,
        description=gettext_lazy("Paket melebihi batas ukuran (kode too_large); tidak ada yang disimpan."),
    ),
    **errors(
        401,
        403,
        409,
        415,
        503,
        d403=gettext_lazy("Pengirim bukan operator UPT paket ini."),
        d409=gettext_lazy("ID paket sudah dipakai untuk isi yang berbeda."),
    ),
}


class SubmissionListCreate(generics.GenericAPIView[Submission]):
    http_method_names = HTTP_METHODS
    serializer_class = SubmissionSerializer
    parser_classes = [PackageParser, GzipPackageParser]

    @extend_schema(
        operation_id="submissions_list",
        summary=gettext_lazy("Daftar kiriman dalam cakupan pengguna"),
        description=gettext_lazy("Terbaru lebih dulu, 50 per halaman."),
        parameters=[SubmissionQuerySerializer, WWW_AUTHENTICATE],
        responses={200: SubmissionSerializer(many=True), **errors(400, 401, 404, d404=PAGE_PAST_THE_END)},
        tags=["submissions"],
    )
    def get(self, request: Request) -> Response:
        query = SubmissionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        qs = submissions_for(
            user=request.user,
            state=params.get("state") or None,
            kind=params.get("kind") or None,
            report_date=params.get("report_date"),
        )
        if params.get("upt"):
            qs = qs.filter(upt__code=params["upt"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="submissions_create",
        summary=gettext_lazy("Kirim paket harian UPT"),
        description=gettext_lazy(
            "Menerima satu paket harian. Paket baru: 201 (header Location menunjuk kiriman itu). Paket yang sama "
            "(ID dan isi sama) dikirim ulang: 200 dengan kiriman aslinya, tidak disimpan dua kali. ID sama dengan "
            "isi berbeda: 409. Hanya operator UPT paket itu yang boleh mengirim (403 untuk yang lain). Kesalahan "
            "bentuk, versi, kode, jumlah atau checksum: 400 dengan daftar kesalahan; melebihi batas ukuran: 413; "
            "tidak ada yang disimpan. Server sedang mengurai paket lain terlalu lama: 503 dengan Retry-After; kirim "
            "ulang paket yang sama.\n\n"
            "Isi: JSON (application/json). Paket boleh dimampatkan gzip dengan dua cara: application/json dengan "
            "header Content-Encoding: gzip, atau Content-Type: application/gzip. Isi harus sesuai dengan header: "
            "gzip tanpa pernyataan itu, atau pernyataan gzip atas isi yang bukan gzip, ditolak (400); "
            "Content-Encoding lain ditolak (415)."
        ),
        request={"application/json": PackageSerializer, "application/gzip": OpenApiTypes.BINARY},
        responses={
            201: OpenApiResponse(
                SubmissionDetailSerializer, description=gettext_lazy("Paket diterima, menunggu konsolidasi.")
            ),
            200: OpenApiResponse(
                SubmissionDetailSerializer, description=gettext_lazy("Paket ini sudah diterima sebelumnya.")
            ),
            **_CREATE_ERRORS,
        },
        parameters=[location_header(201), WWW_AUTHENTICATE, RETRY_AFTER_BUSY],
        tags=["submissions"],
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
                # The package parsers hand over the raw bytes (central.package decodes them).
                user=request.user,
                payload=cast(bytes, request.data) or b"",
                channel=Channel.API,
                request=request,
            )
        except PackageRejected as exc:
            return rejected_response(exc)
        except PermissionDenied as exc:
            return Response({"detail": str(exc) or _("Akses ditolak.")}, status=status.HTTP_403_FORBIDDEN)
        except PackageConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ReceiverBusy as exc:
            return Response(
                {"detail": str(exc)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(exc.retry_after)},
            )
        submission = result.submission
        data = SubmissionDetailSerializer(submission, context=detail_context(request, submission)).data
        if not result.created:
            return Response(data, status=status.HTTP_200_OK)
        location = request.build_absolute_uri(
            reverse("api:submission-detail", kwargs={"package_id": submission.package_id})
        )
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class SubmissionDetail(generics.GenericAPIView[Submission]):
    http_method_names = HTTP_METHODS
    serializer_class = SubmissionDetailSerializer

    @extend_schema(
        operation_id="submissions_retrieve",
        summary=gettext_lazy("Status dan hasil satu kiriman"),
        parameters=[
            OpenApiParameter(
                "package_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=gettext_lazy("ID paket.")
            ),
            WWW_AUTHENTICATE,
        ],
        responses={
            200: SubmissionDetailSerializer,
            **errors(400, 401, 404, d404=gettext_lazy("Tidak ada kiriman dengan ID ini dalam cakupan pengguna.")),
        },
        tags=["submissions"],
    )
    def get(self, request: Request, package_id: str) -> Response:
        # The route takes any segment so that a malformed ID gets the API's JSON 404, not the site's page.
        try:
            package_uuid = uuid.UUID(package_id)
        except ValueError:
            raise exceptions.NotFound from None
        submission = submission_get(user=request.user, package_id=package_uuid)
        return Response(SubmissionDetailSerializer(submission, context=detail_context(request, submission)).data)
