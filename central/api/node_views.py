"""What a UPT node reads from central (issue "A UPT node", DESIGN §4 scope):

- ``GET /api/v1/reference/``: the registry, rule catalogue and detention limits, versioned by a hash of
  their content (``ETag``; ``If-None-Match`` with the same version answers 304 without a body);
- ``GET /api/v1/upts/<code>/feedback/``: the UPT's correction list (row issues of its recent packages,
  daily-check findings, open conflicts on its people), its last consolidation results and its recent
  submissions, read by the same selectors as the UPT's correction list page.

Both are read-only. A node's token is its UPT's operator, so it is scoped like one.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from central.api.contract import HTTP_METHODS, WWW_AUTHENTICATE, errors
from central.api.node_serializers import FeedbackSerializer, ReferenceSerializer
from central.selectors.feedback import upt_feedback
from central.selectors.inbox import upt_for_view
from central.selectors.reference import may_read_reference, reference_content, reference_version
from central.selectors.reports.common import report_today

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=gettext_lazy("Versi data acuan dalam tanda kutip; kirim kembali sebagai If-None-Match."),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=gettext_lazy("ETag jawaban sebelumnya: bila data acuan belum berubah, jawabannya 304 tanpa isi."),
)


def _etag(version: str) -> str:
    return f'"{version}"'


def _matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or etag in candidates


class ReferenceView(GenericAPIView[Any]):
    http_method_names = HTTP_METHODS
    serializer_class = ReferenceSerializer
    pagination_class = None

    @extend_schema(
        operation_id="reference_retrieve",
        summary=gettext_lazy("Data acuan untuk node UPT: Kanwil, UPT, aturan validasi, batas masa penahanan"),
        description=gettext_lazy(
            "Dibaca oleh setiap pengguna yang punya cakupan (operator UPT, token node, Kanwil, pusat). version "
            "adalah hash isi: isi yang sama selalu versi yang sama. Header ETag memuat versi itu; permintaan "
            "dengan If-None-Match yang sama dijawab 304 tanpa isi. package_format_version adalah versi format "
            "paket yang diterima pusat."
        ),
        parameters=[IF_NONE_MATCH, ETAG, WWW_AUTHENTICATE],
        responses={
            200: ReferenceSerializer,
            304: OpenApiResponse(description=gettext_lazy("Data acuan belum berubah sejak versi If-None-Match.")),
            **errors(400, 401, 403, d403=gettext_lazy("Pengguna tanpa cakupan UPT, Kanwil atau pusat.")),
        },
        tags=["node"],
    )
    def get(self, request: Request) -> Response:
        if not may_read_reference(user=request.user):
            raise PermissionDenied
        content = reference_content()
        version = reference_version(content)
        etag = _etag(version)
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return Response(status=304, headers={"ETag": etag})
        data = ReferenceSerializer({"version": version, "generated_at": timezone.now(), **content}).data
        return Response(data, headers={"ETag": etag})


class FeedbackView(GenericAPIView[Any]):
    http_method_names = HTTP_METHODS
    serializer_class = FeedbackSerializer
    pagination_class = None

    @extend_schema(
        operation_id="upt_feedback_retrieve",
        summary=gettext_lazy("Umpan balik pusat untuk satu UPT: daftar koreksi, hasil konsolidasi, konflik"),
        description=gettext_lazy(
            "Isi yang sama dengan halaman Daftar koreksi UPT: temuan validasi pada kiriman terakhir UPT (paling "
            "banyak 30 kiriman dan 2000 temuan; issues_truncated bila lebih), pemeriksaan harian yang perlu "
            "dijelaskan, konflik terbuka pada WBP UPT ini (UPT lain tidak disebut), hasil lima konsolidasi "
            "terakhir dan kiriman terakhir. Untuk pengguna yang boleh melihat UPT itu; UPT di luar cakupan "
            "dijawab 404."
        ),
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("Kode UPT.")),
            WWW_AUTHENTICATE,
        ],
        responses={
            200: FeedbackSerializer,
            **errors(400, 401, 404, d404=gettext_lazy("Tidak ada UPT dengan kode ini dalam cakupan pengguna.")),
        },
        tags=["node"],
    )
    def get(self, request: Request, code: str) -> Response:
        upt = upt_for_view(user=request.user, upt_code=code)
        now = timezone.now()
        feedback = upt_feedback(user=request.user, upt=upt, today=report_today(now))
        return Response(FeedbackSerializer({**feedback.__dict__, "generated_at": now}).data)
