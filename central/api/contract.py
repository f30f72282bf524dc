"""What every operation of the REST API shares, written once so the OpenAPI schema and the server agree:
the error bodies and the exception handler that produces them, pagination, the response headers, and the
documented answers each kind of refusal gets (``errors(401, 403, …)``). See docs/API.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# The methods an API view may answer (those it defines): OPTIONS is not part of the documented API, so it
# is neither answered (405) nor listed in ``Allow``.
HTTP_METHODS = ["get", "post", "head"]

# --- Error bodies ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(
        help_text=gettext_lazy("Pesan dalam bahasa permintaan (Accept-Language), bawaan Bahasa Indonesia.")
    )


class ErrorItemSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy(
            "Letak kesalahan: parameter atau kolom, mis. start atau persons[12].register; kosong untuk "
            "permintaan secara utuh."
        ),
    )
    code = serializers.CharField(help_text=gettext_lazy("Kode kesalahan yang dapat dibaca mesin, mis. invalid_choice."))
    message = serializers.CharField(
        help_text=gettext_lazy("Pesan dalam bahasa permintaan (Accept-Language), bawaan Bahasa Indonesia.")
    )


class ValidationErrorSerializer(ErrorSerializer):
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]  # the API's name, shadowing .errors


class QuerySerializer(serializers.Serializer[Any]):
    """Query parameters: each is optional, and one that is given must have one value (``?upt=`` is refused,
    not read as "no filter", and so is ``?upt=A&upt=B``), so what the schema says of a parameter holds for
    every request."""

    def to_internal_value(self, data: Any) -> Any:
        problems: dict[str, Any] = {}
        for name, _field in self.fields.items():
            values = data.getlist(name) if hasattr(data, "getlist") else [data[name]] if name in data else []
            if len(values) > 1:
                problems[name] = [exceptions.ErrorDetail(gettext("Hanya boleh diberikan sekali."), code="repeated")]
            elif values == [""]:
                message = gettext("Tidak boleh kosong; hilangkan parameter ini bila tidak dipakai.")
                problems[name] = [exceptions.ErrorDetail(message, code="blank")]
        if problems:
            raise exceptions.ValidationError(problems)
        return super().to_internal_value(data)


# --- The exception handler ---------------------------------------------------------------------------


def _items(detail: Any, path: str = "") -> Iterator[dict[str, str]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            yield from _items(value, f"{path}.{name}" if path and name else path or name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            # A list of messages belongs to one place; a list of objects (many=True) is indexed.
            yield from _items(value, path if isinstance(value, str) else f"{path}[{index}]")
    else:
        yield {"path": path, "code": getattr(detail, "code", "invalid"), "message": str(detail)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every invalid request answered in one shape: ``detail`` and a list of ``errors``
    (the same items a refused package lists), instead of a dictionary keyed by field names."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": gettext("Permintaan tidak sah; lihat daftar errors."),
            "errors": list(_items(exc.detail)),
        }
    elif response is not None and isinstance(exc, exceptions.ParseError):  # a body that is not JSON at all
        response.data = {"detail": str(exc.detail), "errors": list(_items(exc.detail))}
    return response


# --- Pagination ---------------------------------------------------------------------------------------


class ApiPagination(PageNumberPagination):
    """Page numbers from 1. A page or page size that is not one whole number in range answers 400 (like any
    invalid parameter); a page past the last one 404."""

    page_size = 50
    page_size_query_param: str | None = None
    max_page_size = 1000
    last_page_strings = ()  # the schema says an integer: ?page=last is not one
    # Lazy, so that each request reads them in its own language (the stubs expect plain strings).
    page_query_description = gettext_lazy("Nomor halaman, mulai dari 1.")  # type: ignore[assignment]
    page_size_query_description = gettext_lazy("Jumlah baris per halaman.")  # type: ignore[assignment]
    invalid_page_message = gettext_lazy(  # type: ignore[assignment]
        "Halaman tidak ada: nomor halaman melewati halaman terakhir."
    )

    def _integer(self, request: Request, name: str, maximum: int | None = None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        value = values[0]
        if len(values) == 1 and value.isascii() and value.isdigit() and 1 <= int(value) <= (maximum or int(value)):
            return int(value)
        if maximum:
            message = gettext("Harus satu bilangan bulat 1 sampai %(max)s.") % {"max": maximum}
        else:
            message = gettext("Harus satu bilangan bulat mulai dari 1.")
        raise exceptions.ValidationError({name: [message]})

    def get_page_size(self, request: Request) -> int:
        if self.page_size_query_param:
            size = self._integer(request, self.page_size_query_param, self.max_page_size)
            if size is not None:
                return size
        return self.page_size

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return self._integer(request, self.page_query_param) or 1

    def get_paginated_response(self, data: Any, extra: dict[str, Any] | None = None) -> Response:
        assert self.page is not None  # paginate_queryset came first
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                **(extra or {}),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": {**link, "description": gettext_lazy("Halaman berikutnya; null di halaman terakhir.")},
                "previous": {**link, "description": gettext_lazy("Halaman sebelumnya; null di halaman pertama.")},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1},
            }
        ]
        if self.page_size_query_param:
            parameters.append(
                {
                    "name": self.page_size_query_param,
                    "required": False,
                    "in": "query",
                    "description": str(self.page_size_query_description),
                    "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                }
            )
        return parameters


# --- Documented answers --------------------------------------------------------------------------------

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy("Alamat sumber yang dibuat atau yang dapat dipantau."),
)


def location_header(*status_codes: int) -> OpenApiParameter:
    """The ``Location`` response header, on the given status codes."""
    return OpenApiParameter(
        LOCATION.name,
        LOCATION.type,
        location=LOCATION.location,
        required=True,
        description=LOCATION.description,
        response=list(status_codes),
    )


WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy("Skema autentikasi yang diterima: Token."),
    response=[401],
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy("Detik sampai boleh mencoba lagi."),
    response=[429],
)

# A package waited too long for its turn to be parsed (SUBMISSION_PARSE_SLOTS): 503 says when to send again.
RETRY_AFTER_BUSY = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy("Detik sampai boleh mengirim lagi."),
    response=[503],
)

_DESCRIPTIONS = {
    400: gettext_lazy("Permintaan tidak sah (parameter atau isi); errors menyebut letaknya."),
    401: gettext_lazy("Belum masuk: token (header Authorization: Token …) atau sesi tidak ada atau tidak sah."),
    403: gettext_lazy("Pengguna tidak berhak atas tindakan ini."),
    404: gettext_lazy("Tidak ditemukan atau di luar cakupan pengguna."),
    409: gettext_lazy("Bertentangan dengan keadaan sumber saat ini."),
    413: gettext_lazy("Isi permintaan melebihi batas ukuran."),
    415: gettext_lazy("Jenis isi (Content-Type) atau Content-Encoding tidak didukung."),
    429: gettext_lazy("Terlalu banyak percobaan; ulangi setelah Retry-After detik."),
    503: gettext_lazy("Server sedang penuh; ulangi setelah Retry-After detik."),
}


PAGE_PAST_THE_END = gettext_lazy("Halaman melewati halaman terakhir.")


def errors(*status_codes: int, **descriptions: Any) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation: 400 with the list of errors, the others ``detail``.
    ``descriptions`` (``d403=…``) says what the refusal means for that operation. Every operation lists 400:
    a NUL character anywhere in a request is refused before any view (``RejectNulMiddleware``)."""
    return {
        code: OpenApiResponse(
            ValidationErrorSerializer if code == 400 else ErrorSerializer,
            description=descriptions.get(f"d{code}", _DESCRIPTIONS[code]),
        )
        for code in status_codes
    }
