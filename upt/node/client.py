"""The node's client for central's API: the stdlib's urllib, a token header, JSON answers.

Every failure that may pass (no route, refused connection, timeout, a cut connection, 429, 5xx) is one
exception, ``CentralUnreachable``, with the wait central asked for (Retry-After) when it gave one: the
outbox retries those later. Any other answer is returned as ``(status, data)`` for the caller to judge.
"""

from __future__ import annotations

import gzip as gzip_module
import http.client
import json
import logging
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class CentralUnreachable(Exception):
    """Central could not be reached or could not answer now; the same request may be sent again later.

    ``str(exc)`` is the technical detail (for the log); ``kind`` names the failure and ``operator_message()``
    says it to the operator in a sentence (``FAILURE_SENTENCES``), never the system's own English.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        kind: str = "",
        central_detail: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.kind = kind or ("http" if status is not None else "network")
        self.central_detail = central_detail  # central's own sentence (a JSON ``detail``), never a proxy's page

    def operator_message(self) -> str:
        sentence = failure_sentence(self.kind, self.status)
        return f"{sentence} {self.central_detail}" if self.central_detail else sentence


# The one place where a failure to reach central becomes the operator's sentence (the outbox and the
# reference sync show these; the technical detail goes to the log).
FAILURE_SENTENCES = {
    "refused": gettext_noop(
        "Server pusat tidak dapat dihubungi: sambungan ditolak (layanan pusat mungkin berhenti atau dalam "
        "pemeliharaan)."
    ),
    "reset": gettext_noop("Server pusat tidak dapat dihubungi: sambungan terputus di tengah pengiriman."),
    "timeout": gettext_noop(
        "Server pusat tidak dapat dihubungi: tidak ada jawaban dalam batas waktu (jaringan lambat atau pusat "
        "sedang sibuk)."
    ),
    "dns": gettext_noop(
        "Server pusat tidak dapat dihubungi: alamatnya tidak ditemukan (periksa jaringan dan DNS server UPT ini)."
    ),
    "tls": gettext_noop(
        "Server pusat tidak dapat dihubungi: sambungan aman (TLS) gagal (periksa sertifikat dan jam server UPT ini)."
    ),
    "network": gettext_noop("Server pusat tidak dapat dihubungi: jaringan ke pusat sedang terputus."),
    "busy": gettext_noop("Server pusat sedang sibuk dan meminta pengiriman ditunda (HTTP %(status)s)."),
    "unavailable": gettext_noop("Server pusat sedang tidak tersedia, mungkin dalam pemeliharaan (HTTP %(status)s)."),
    "http": gettext_noop("Server pusat sedang mengalami gangguan (HTTP %(status)s)."),
    "config": gettext_noop(
        "Alamat server pusat belum diatur di server UPT ini: minta admin mendaftarkan node ini ke pusat."
    ),
}


def failure_sentence(kind: str, status: int | None = None) -> str:
    """The operator's sentence for a failure ``kind`` (see ``FAILURE_SENTENCES``), translated."""
    text = FAILURE_SENTENCES.get(kind, FAILURE_SENTENCES["network"])
    return _(text) % {"status": status} if "%(status)s" in text else _(text)


def _failure_kind(exc: BaseException) -> str:
    """Which failure an exception of urllib/socket/ssl is (the reason under a URLError first)."""
    reason = getattr(exc, "reason", None)
    if isinstance(reason, BaseException):
        exc = reason
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return "tls"
    if isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError | http.client.HTTPException):
        return "reset"
    text = str(exc).lower()
    if "timed out" in text:
        return "timeout"
    return "network"


def _is_json(headers: Any) -> bool:
    return "json" in str((headers or {}).get("Content-Type", "")).lower()


def _status_kind(status: int) -> str:
    return {429: "busy", 503: "unavailable"}.get(status, "http")


def _retry_after(value: str | None) -> int | None:
    """Retry-After in seconds (the HTTP-date form is not sent by central: ignored)."""
    if not value:
        return None
    try:
        return max(0, int(value.strip()))
    except ValueError:
        return None


def _decode(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"detail": body[:500].decode("utf-8", "replace")}


class CentralClient:
    """One central server and the node's token. ``from_settings()`` reads SDP_CENTRAL_URL and SDP_NODE_TOKEN."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 60.0) -> None:
        if not base_url:
            raise ImproperlyConfigured("SDP_CENTRAL_URL is not set: run scripts/node-register.")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> CentralClient:
        return cls(settings.SDP_CENTRAL_URL, settings.SDP_NODE_TOKEN, timeout=settings.SDP_NODE_TIMEOUT)

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "sdp-node"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"  # central.api.tokens.ApiTokenAuthentication
        return headers

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        request = urllib.request.Request(  # noqa: S310 — the URL is the configured central server
            url, data=body, method=method, headers={**self._headers(), **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            data = _decode(exc.read() or b"")
            if exc.code in RETRYABLE_STATUSES:
                detail = data.get("detail", "") if isinstance(data, dict) else ""
                message = f"HTTP {exc.code} {detail}".strip()
                log.warning("central %s %s answered %s", method, url, message)
                raise CentralUnreachable(
                    message,
                    status=exc.code,
                    retry_after=_retry_after(exc.headers.get("Retry-After")),
                    kind=_status_kind(exc.code),
                    central_detail=str(detail).strip()[:300] if _is_json(exc.headers) else "",
                ) from None
            return exc.code, data
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            message = str(reason) or exc.__class__.__name__
            log.warning("central %s %s unreachable: %s", method, url, message)
            raise CentralUnreachable(message, kind=_failure_kind(exc)) from None

    def get_json(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """GET a path of central (``/api/v1/…``) and return its status and JSON; ``headers`` adds request
        headers (a conditional If-None-Match)."""
        return self._request("GET", path, None, headers)

    def post_package(self, body: bytes, gzip: bool = True) -> tuple[int, Any]:
        """POST a package (JSON bytes, or already gzip bytes) to ``/api/v1/submissions/``."""
        headers = {"Content-Type": "application/json"}
        if gzip:
            if not body.startswith(b"\x1f\x8b"):
                body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        return self._request("POST", "/api/v1/submissions/", body, headers)
