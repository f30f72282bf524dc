"""What the load balancer and the operators' monitoring ask a web process: is it alive, is it ready.

``liveness`` answers without touching anything: a process that answers is alive, and a database outage must
not make an orchestrator restart every web server (that cures nothing and drops the requests in flight).

``readiness`` is what a load balancer sends traffic on: the database answers, every migration on disk is
applied (a process started with new code before ``migrate`` ran would fail on the new columns), and the
Celery broker answers when ``REDIS_URL`` is configured (within ``BROKER_TIMEOUT_SECONDS``; without a broker
tasks run in-process and there is nothing to check). It also reports when the latest successful
consolidation finished and how long ago.

Deployment decision: readiness stays 200 however old the last consolidation is — it only reports the age.
A late or failed daily run is a problem for the people who run consolidation (central's run page, the
error e-mail or Sentry, an alert on ``age_seconds``), not a reason to take web servers out of the load
balancer: every server would fail the check at once, and the operators would lose the very pages they need
to start the run again.

Answers name the failing check and the exception's class, never its text: a connection error can carry a
host, a user name or a URL with a password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from central.selectors.consolidation import run_last_success_finished_at

BROKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str  # a short code: "ok", "not configured", "3 unapplied", an exception class name


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, Check]
    last_consolidation_finished_at: datetime | None
    now: datetime = field(default_factory=timezone.now)

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks.values())

    @property
    def failing(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check.ok]

    def as_json(self) -> dict[str, Any]:
        finished = self.last_consolidation_finished_at
        return {
            "status": "ok" if self.ready else "unavailable",
            "failing": self.failing,
            "checks": {name: {"ok": check.ok, "detail": check.detail} for name, check in self.checks.items()},
            "last_consolidation": {
                "finished_at": finished.isoformat() if finished else None,
                "age_seconds": int((self.now - finished).total_seconds()) if finished else None,
            },
        }


def liveness() -> dict[str, str]:
    return {"status": "ok"}


def _error(exc: BaseException) -> Check:
    return Check(False, type(exc).__name__)


def check_database(*, connection: BaseDatabaseWrapper | None = None) -> Check:
    try:
        with (connection or connections[DEFAULT_DB_ALIAS]).cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return _error(exc)
    return Check(True, "ok")


def check_migrations() -> Check:
    """Nothing on disk left unapplied (a few milliseconds: the graph is read from the loaded modules)."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return _error(exc)
    return Check(True, "ok") if not plan else Check(False, f"{len(plan)} unapplied")


def check_broker(*, timeout: float = BROKER_TIMEOUT_SECONDS) -> Check:
    """Connects to the broker the workers use, with the app's own transport settings, for one try only."""
    if not settings.REDIS_URL:
        return Check(True, "not configured")
    from sdp_project.celery import app

    try:
        with app.connection_for_write(
            url=settings.REDIS_URL,
            connect_timeout=timeout,
            transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout},
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
    except Exception as exc:
        return _error(exc)
    return Check(True, "ok")


def readiness(*, broker_timeout: float = BROKER_TIMEOUT_SECONDS) -> Readiness:
    database = check_database()
    checks = {
        "database": database,
        "migrations": check_migrations() if database.ok else Check(False, "database unavailable"),
        "broker": check_broker(timeout=broker_timeout),
    }
    finished = None
    if checks["migrations"].ok:
        try:
            finished = run_last_success_finished_at()
        except Exception:  # reported as unknown: the checks above decide readiness
            finished = None
    return Readiness(checks=checks, last_consolidation_finished_at=finished)
