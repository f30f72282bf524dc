"""Real Celery workers for the fault suite: ``celery -A sdp_project worker --pool=solo -c 1`` subprocesses on
the test database and ``SDP_TEST_REDIS_URL``, and the test process sending tasks to the same Redis.

Each worker names its database sessions (``application_name``), so a test finds the process behind a
backend — the one holding the runner lock, or a part's lock — without asking the workers anything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from tests.dburl import database_url

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120
RUN_TIMEOUT = 120


def wait_for(predicate: Callable[[], object], what: str, timeout: float = RUN_TIMEOUT, workers=None):
    """Poll ``predicate`` until it returns something true; fail naming ``what`` (and the workers' logs)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = workers.logs() if workers is not None else ""
            pytest.fail(f"Timed out waiting for {what}.\n{logs}")
        time.sleep(0.05)


def _redis_url() -> str:
    url = os.environ.get("SDP_TEST_REDIS_URL")
    if not url:
        pytest.fail("SDP_TEST_REDIS_URL is not set: the fault suite needs Redis (scripts/test sets it).")
    return url


class Workers:
    """Worker subprocesses by name. Every one is killed at teardown, whatever happened."""

    def __init__(self, tmp: Path, database_url: str, redis_url: str):
        self.tmp = tmp
        self.database_url = database_url
        self.redis_url = redis_url
        self.procs: dict[str, subprocess.Popen] = {}

    def app_name(self, name: str) -> str:
        return f"sdp-faults-{name}"

    def log_path(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def start(self, name: str) -> subprocess.Popen:
        assert name not in self.procs or self.procs[name].poll() is not None, f"worker {name} is running"
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CONSOLIDATION_SPLIT")}
        env.update(
            DATABASE_URL=f"{self.database_url}?application_name={self.app_name(name)}",
            REDIS_URL=self.redis_url,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        log = self.log_path(name)
        log.write_text("")
        with log.open("a") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "sdp_project",
                    "worker",
                    "--pool=solo",
                    "-c",
                    "1",
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs[name] = proc
        wait_for(
            lambda: proc.poll() is not None or " ready." in log.read_text(),
            f"worker {name} to start",
            READY_TIMEOUT,
        )
        assert proc.poll() is None, f"worker {name} exited at start:\n{log.read_text()}"
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL: no cleanup of any kind, as when the machine or the OOM killer takes the process."""
        proc = self.procs[name]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)

    def ensure(self, *names: str) -> None:
        for name in names:
            if name not in self.procs or self.procs[name].poll() is not None:
                self.start(name)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)

    def name_of_backend(self, pid: int) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT application_name FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        prefix = self.app_name("")
        return row[0][len(prefix) :] if row and row[0].startswith(prefix) else None

    def lock_holders(self, classid: int) -> dict[str, list[int]]:
        """Worker name → second keys of the advisory locks of ``classid`` its sessions hold."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT l.pid, l.objid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.classid = %s AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [classid],
            )
            rows = cursor.fetchall()
        held: dict[str, list[int]] = {}
        for pid, objid in rows:
            name = self.name_of_backend(pid)
            if name:
                held.setdefault(name, []).append(int(objid))
        return held

    def logs(self) -> str:
        return "\n".join(
            f"--- worker {name} ---\n{self.log_path(name).read_text()[-6000:]}"
            for name in self.procs
            if self.log_path(name).exists()
        )


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two real workers shared by the module's tests (a test that kills one starts it again)."""
    import redis

    redis_url = _redis_url()
    redis.Redis.from_url(redis_url).flushdb()  # nothing left over from an earlier, interrupted session
    settings_dict = connection.settings_dict
    group = Workers(tmp_path_factory.mktemp("workers"), database_url(settings_dict), redis_url)
    try:
        group.start("w1")
        group.start("w2")
        yield group
    finally:
        group.stop_all()
        redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture
def real_celery(_eager_celery, workers):
    """This process sends tasks to the workers' Redis instead of running them in-process."""
    from sdp_project.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = workers.redis_url
    _forget_connections(app)  # a producer pool made for another broker must not be reused
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    _forget_connections(app)


def _forget_connections(app) -> None:
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
