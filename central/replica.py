"""Report reads from a PostgreSQL streaming replica, when ``DATABASE_REPLICA_URL`` names one.

The morning's packages and the run write to the primary; the report pages, their exports and the report API
are read far more often than they change, so with a replica configured they read there and leave the
primary to the writers. Three things always read the primary:

- everything outside a report request (entry, submissions, consolidation, the admin, the UPT pages);
- scoping decisions (``central.scoping``): who may see which unit is decided on the primary, so a role just
  granted or withdrawn takes effect at once, whatever the replica's lag;
- a person who has just changed something: after any successful POST/PUT/PATCH/DELETE, that browser reads
  the primary for ``DATABASE_REPLICA_PIN_SECONDS`` (a cookie), so what they did shows on the next page.

A replica that lags says so: report pages show "data per <time> WIB" from the last transaction it replayed
(``replica_lag_note``). Without ``DATABASE_REPLICA_URL`` nothing here does anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, models
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

REPLICA = "replica"
PIN_COOKIE = "sdp_baca_primer"
# URL namespaces whose GETs are reports: the report pages with their exports, and the report API.
REPORT_NAMESPACES = frozenset({"laporan", "reports_api", "publik"})
# Never read from the replica: accounts, sessions, permissions and the schedule decide what a request may do.
PRIMARY_ONLY_APPS = frozenset(
    {"auth", "contenttypes", "sessions", "guardian", "admin", "axes", "authtoken", "django_celery_beat"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
M = TypeVar("M", bound=models.Model)

_reading_reports: ContextVar[bool] = ContextVar("sdp_reading_reports_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reading_replica() -> bool:
    """Whether this request's report reads go to the replica now."""
    return _reading_reports.get()


@contextlib.contextmanager
def reports_from_replica(active: bool = True) -> Iterator[None]:
    token = _reading_reports.set(active and replica_configured())
    try:
        yield
    finally:
        _reading_reports.reset(token)


@contextlib.contextmanager
def from_primary() -> Iterator[None]:
    """Reads inside this block go to the primary, even in a report request."""
    token = _reading_reports.set(False)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def decided_on_primary(queryset: models.QuerySet[M] | None) -> models.QuerySet[M] | None:
    """A scope queryset evaluated on the primary (as ids), for use as a filter in replica queries.

    Outside a replica-reading request the queryset is returned as it is (one SQL statement, as before)."""
    if queryset is None or not reading_replica():
        return queryset
    with from_primary():
        ids = list(queryset.values_list("pk", flat=True))
    # No .using(): the filter runs as a subquery wherever the report query runs (a query cannot span servers).
    return queryset.model._default_manager.filter(pk__in=ids)


class ReportReplicaRouter:
    """Sends a report request's reads of report data to the replica; every write, and every other read, to the
    primary. The replica is never migrated (it replays the primary's schema)."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if _reading_reports.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True  # the same rows, on either server

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReportReplicaMiddleware:
    """Turns replica reads on for report GETs and pins a browser to the primary after it changed something."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = None
        response: HttpResponse | None = None
        try:
            request._sdp_replica_token = None  # type: ignore[attr-defined]
            response = self.get_response(request)
            token = request._sdp_replica_token  # type: ignore[attr-defined]
            if token is not None and isinstance(response, StreamingHttpResponse):
                # An export streams after the view has returned: its rows are read from the replica too.
                response.streaming_content = _streamed_from_replica(response.streaming_content)
        finally:
            if token is not None:
                _reading_reports.reset(token)
        if replica_configured() and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        match = request.resolver_match
        if (
            replica_configured()
            and request.method in SAFE_METHODS
            and match is not None
            and match.namespace in REPORT_NAMESPACES
            and PIN_COOKIE not in request.COOKIES
        ):
            request._sdp_replica_token = _reading_reports.set(True)  # type: ignore[attr-defined]


def _streamed_from_replica(chunks: Any) -> Iterator[Any]:
    with reports_from_replica():
        yield from chunks


def replica_as_of() -> datetime | None:
    """When the replica is behind: the commit time of the last transaction it replayed, which is what its data
    are "per". ``None`` outside replica reads, and when the replica has replayed all the primary sent and is
    still receiving (an idle primary commits nothing, so the last replayed commit may be old yet current)."""
    if not reading_replica():
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT (pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn() "
            "        OR NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')) "
            "       AND now() - pg_last_xact_replay_timestamp() > make_interval(secs => %s), "
            "       pg_last_xact_replay_timestamp()",
            [settings.DATABASE_REPLICA_LAG_NOTE_SECONDS],
        )
        behind, replayed_at = cursor.fetchone()
    return replayed_at if behind else None


def replica_note(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``replica_as_of`` on a report page read from a lagging replica."""
    return {"replica_as_of": replica_as_of()}
