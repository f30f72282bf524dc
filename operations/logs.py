"""Log lines as JSON, each naming the request or the consolidation run it was written for.

* ``RequestIdMiddleware`` gives every request an id (the caller's ``X-Request-ID`` when it is a short safe
  token, else a fresh uuid4 hex), keeps it in a context variable and answers it in ``X-Request-ID``, so a
  user's report of a failed page, the proxy's access log and SDP's own lines can be matched.
* ``central.run_context`` holds the id of the consolidation run being worked on (web process, ``manage.py
  consolidate``, the Celery worker executing the run and the workers doing its per-Kanwil parts).
* ``LogContextFilter``, on every handler in ``settings.LOGGING``, copies both onto each record (``None``
  outside a request or a run), whichever library wrote the line.
* ``JsonFormatter`` (python-json-logger) writes one JSON object a line: ``timestamp``, ``level``, ``logger``,
  ``message``, ``request_id``, ``run_id``, ``exc_info`` and the call's ``extra`` fields. ``PlainFormatter``
  is the same for a terminal (``LOG_FORMAT=plain``).

Person values stay out on this path as on the plain one: python-json-logger formats the traceback again from
``exc_info`` rather than using the text ``RedactKeyValues`` already cleaned, so the formatter redacts what it
writes itself; and ``extra`` values that are not plain data (Django passes the ``request`` object, whose repr
carries the query string — a searched NIK) are written as their type's name only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.core.signals import request_finished
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from central.redaction import redact
from central.run_context import current_run_id

if TYPE_CHECKING:  # settings import this module: nothing here may need configured settings
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and cannot break a log line or a header: letters, digits, . _ -
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_current_request_id: ContextVar[str | None] = ContextVar("sdp_request_id", default=None)


def current_request_id() -> str | None:
    return _current_request_id.get()


def request_id_from(header: str | None) -> str:
    """The caller's id if it is a short safe token, else a new one."""
    if header and _SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``, so every line of the request — the other middleware's included — has the id.

    The id stays set until Django's ``request_finished`` (the response closed): Django logs a 4xx/5xx answer
    (``django.request``) after the middleware chain has returned, and that line belongs to the request too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        _current_request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request_id(**kwargs: Any) -> None:
    # A server thread serves the next request in the same context: no line between two requests may carry
    # the previous one's id.
    _current_request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="sdp.logs.forget_request_id")


class LogContextFilter(logging.Filter):
    """Adds ``request_id`` and ``run_id`` to every record. An explicit ``extra={"run_id": …}`` is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _current_request_id.get()
        if getattr(record, "run_id", None) is None:
            record.run_id = current_run_id()
        return True


_PLAIN_TYPES = (str, int, float, bool, type(None), dt.date, dt.time, dt.timedelta)


def plain_data(value: Any, depth: int = 0) -> Any:
    """Strings redacted, containers walked, anything else named by its type: ``str()`` of a model instance
    or a request could be a person's name or a searched NIK."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, _PLAIN_TYPES):
        return value
    if depth < 4 and isinstance(value, dict):
        return {str(key): plain_data(item, depth + 1) for key, item in value.items()}
    if depth < 4 and isinstance(value, list | tuple):
        return [plain_data(item, depth + 1) for item in value]
    return f"<{type(value).__name__}>"


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object a line; see the module's docstring for the fields and why values are cleaned here."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            ["levelname", "name", "message", "request_id", "run_id"],
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
            **kwargs,
        )

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))

    def formatStack(self, stack_info) -> str:
        return redact(super().formatStack(stack_info))

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        timestamp = log_data.pop("timestamp", None)
        cleaned = {key: plain_data(value) for key, value in log_data.items()}
        if timestamp is not None:
            cleaned = {"timestamp": timestamp.isoformat(timespec="milliseconds"), **cleaned}
        return cleaned


class PlainFormatter(logging.Formatter):
    """``time LEVEL logger [request …] [run …]: message`` — the context only when there is one."""

    def __init__(self, **kwargs: Any):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(log_context)s: %(message)s", **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:
        parts = []
        if getattr(record, "request_id", None):
            parts.append(f"request={record.request_id}")
        if getattr(record, "run_id", None):
            parts.append(f"run={record.run_id}")
        record.log_context = f" [{' '.join(parts)}]" if parts else ""
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))


def keep_django_logging(**kwargs: Any) -> None:
    """Celery's ``setup_logging`` signal: with a receiver connected, Celery configures no logging of its own,
    so a worker writes through ``settings.LOGGING`` (JSON, the filters) like the web process. Django has
    already applied it when the worker set Django up; applying it again here covers a worker started before
    that."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def logging_config(*, log_format: str, level: str, mail_admins: bool) -> dict[str, Any]:
    """``settings.LOGGING``: one console handler (JSON or plain) and, with ``ADMINS`` set, Django's e-mail to
    them on ERROR; every handler redacts database error values (``log_privacy.RedactKeyValues``) and adds the
    request and run ids."""
    filters = ["redact_key_values", "log_context"]
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}, "plain": {"()": PlainFormatter}},
        "filters": {
            "redact_key_values": {"()": "operations.log_privacy.RedactKeyValues"},
            "log_context": {"()": LogContextFilter},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": filters}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers go (its console and its mail handler without SDP's filters): its lines
            # reach the root's handlers like every other line, and a 500 is mailed once.
            "django": {"handlers": [], "level": level, "propagate": True},
            # django-axes logs every successful login at INFO; the audit trail already records them.
            "axes": {"level": "WARNING"},
        },
    }
    if mail_admins:
        config["handlers"]["mail_admins"] = {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            # The report's first line, with the request and run ids to find the rest of the story in the logs.
            "formatter": "plain",
            "filters": ["require_debug_false", *filters],
        }
        config["root"]["handlers"].append("mail_admins")
    return config
