"""The node's client for central's API: the stdlib's urllib, a token header, JSON answers.

Every failure that may pass (no route, refused connection, timeout, a cut connection, 429, 5xx) is one
exception, ``CentralUnreachable``, with the wait central asked for (Retry-After) when it gave one: the
outbox retries those later. Any other answer is returned as ``(status, data)`` for the caller to judge.
"""

from __future__ import annotations

import gzip as gzip_module
import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class CentralUnreachable(Exception):
    """Central could not be reached or could not answer now; the same request may be sent again later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


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
                raise CentralUnreachable(
                    f"HTTP {exc.code} {detail}".strip(),
                    status=exc.code,
                    retry_after=_retry_after(exc.headers.get("Retry-After")),
                ) from None
            return exc.code, data
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise CentralUnreachable(str(reason) or exc.__class__.__name__) from None

    def get_json(self, path: str) -> tuple[int, Any]:
        """GET a path of central (``/api/v1/…``) and return its status and JSON."""
        return self._request("GET", path)

    def post_package(self, body: bytes, gzip: bool = True) -> tuple[int, Any]:
        """POST a package (JSON bytes, or already gzip bytes) to ``/api/v1/submissions/``."""
        headers = {"Content-Type": "application/json"}
        if gzip:
            if not body.startswith(b"\x1f\x8b"):
                body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        return self._request("POST", "/api/v1/submissions/", body, headers)
