"""Errors sent to Sentry (optional, ``SENTRY_DSN``), with no person data — as the 500 e-mail to ``ADMINS``.

What an event could carry and how it is kept out:

* the request's body, query string (a searched NIK), cookies and headers (the Referer repeats the query):
  the SDK is told to send no request body, and ``before_send`` keeps only the method and the path;
* the traceback's local variables (person rows, forms): not captured;
* a database error's text, which names the values of a violated key (``Key (nik)=(3301…)``): exception
  values, log messages and breadcrumbs are passed through ``central.redaction.redact``;
* who was signed in, their address: not collected (``data_collection``, the SDK's successor of
  ``send_default_pii=False``);
* a log record's ``extra`` objects (Django's ``request``): written as their type's name.

Events are tagged with the request id and the consolidation run id, so one can be matched with its log lines.
"""

from __future__ import annotations

from typing import Any

from central.redaction import redact
from central.run_context import current_run_id
from operations.logs import current_request_id, plain_data


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    for key in ("message", "data"):
        if key in crumb:
            crumb[key] = _redacted(crumb[key])
    return crumb


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url") or "").split("?", 1)[0]
        event["request"] = {key: value for key, value in (("method", request.get("method")), ("url", url)) if value}
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = redact(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if "logentry" in event:
        event["logentry"] = _redacted(event["logentry"])
    if isinstance(event.get("message"), str):
        event["message"] = redact(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [before_breadcrumb(crumb, {}) for crumb in breadcrumbs["values"]]
    if isinstance(event.get("extra"), dict):
        # A log record's extra fields: Django's ``request`` object (its repr has the query string) and the like
        # are written as their type's name, as in the JSON log lines.
        event["extra"] = {key: plain_data(value) for key, value in event["extra"].items()}
    tags = event.setdefault("tags", {})
    if current_request_id():
        tags["request_id"] = current_request_id()
    if current_run_id() is not None:
        tags["run_id"] = str(current_run_id())
    return event


def sentry_init(*, dsn: str, environment: str | None = None, transport: Any = None) -> None:
    """Start the SDK with the Django and Celery integrations. ``transport``: the SDK's own hook for where
    events go (tests pass one that keeps them)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        # Nothing about people, in the SDK's own terms. ``data_collection`` supersedes ``send_default_pii``
        # (deprecated in sentry-sdk 2.75, where setting both warns): this is send_default_pii=False and more —
        # no user, cookies, headers, bodies, query parameters, SQL parameters, task arguments or frame variables.
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        "max_request_body_size": "never",
        "before_send": before_send,
        "before_breadcrumb": before_breadcrumb,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
