"""Two real servers on loopback: central and a UPT node, each on its own database and Redis db, with the
link proxy (devtools/netproxy.py) between the node and central.

Each server is what README's production section runs: gunicorn with ``operations/gunicorn.py``, a Celery worker
(``--pool=solo``) and, at the node, one beat. Every process runs in its own session so teardown kills its
whole tree; the databases are created here and dropped at teardown. Nothing here touches the test database
of pytest-django: the servers' rows are read through ``manage.py shell`` at each server.

Redis: central uses ``SDP_TEST_REDIS_URL``; the node another db of the same server (``SDP_TEST_REDIS_URL_NODE``
when set, else the next db number), so neither worker takes the other's tasks.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg
import pytest
import redis
from django.conf import settings

from devtools.netproxy import NetProxy
from tests.dburl import database_url

ROOT = Path(__file__).resolve().parents[2]
UPT_CODE = "LP3301"
OPERATOR = "op.karanganyar"
CENTRAL_USER = "pusat"
PASSWORD = "sandi-node-uji-2026"
SECRET = "node-test-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
READY_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 90, logs=None):
    """Poll until ``predicate()`` is true; fail naming ``what`` with the servers' log tails."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}.\n{logs() if logs else ''}")
        time.sleep(0.25)


def _redis_urls() -> tuple[str, str]:
    url = os.environ.get("SDP_TEST_REDIS_URL") or pytest.fail("SDP_TEST_REDIS_URL is not set (scripts/test sets it).")
    node = os.environ.get("SDP_TEST_REDIS_URL_NODE")
    if not node:
        parts = urlsplit(url)
        db = int((parts.path or "/0").strip("/") or 0)
        node = urlunsplit(parts._replace(path=f"/{(db + 1) % 16 if db != 15 else 14}"))
    return url, node


def _admin_connection():
    base = settings.DATABASES["default"]
    return psycopg.connect(
        host=base.get("HOST") or "127.0.0.1",
        port=base.get("PORT") or 5432,
        user=base.get("USER") or "postgres",
        password=base.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _create_database(name: str) -> None:
    _drop_database(name)
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Server:
    """One SDP server: its environment, its database, and the processes started for it by name."""

    name: str
    db_name: str
    redis_url: str
    tmp: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    trees: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return database_url({**settings.DATABASES["default"], "NAME": self.db_name})

    def env(self) -> dict[str, str]:
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SDP_", "DJANGO_", "WEB_", "CONSOLIDATION_"))
            and k not in ("DATABASE_URL", "REDIS_URL")
        }
        var = self.tmp / f"{self.name}-var"
        var.mkdir(exist_ok=True)
        return {
            **keep,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": SECRET,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SDP_VAR_DIR": str(var),
            "WEB_BIND": f"127.0.0.1:{self.port}",
            "WEB_WORKERS": "1",
            "WEB_THREADS": "4",
            "WORKER_CONCURRENCY": "1",
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "plain",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def log_path(self, what: str) -> Path:
        return self.tmp / f"{self.name}-{what}.log"

    def manage(self, *args: str, timeout: float = 240, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            command = " ".join(args)[:200]
            pytest.fail(f"{self.name}: manage.py {command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str, timeout: float = 240):
        """Run ``code`` in ``manage.py shell`` at this server; the JSON it prints last (``emit(value)``) is returned."""
        prelude = "import json\ndef emit(value):\n    print('@@' + json.dumps(value, default=str))\n"
        out = self.manage("shell", "-c", prelude + code, timeout=timeout)
        lines = [line[2:] for line in out.splitlines() if line.startswith("@@")]
        return json.loads(lines[-1]) if lines else None

    def popen(self, what: str, args: list[str]) -> subprocess.Popen:
        assert what not in self.procs or self.procs[what].poll() is not None, f"{self.name} {what} is running"
        with open(self.log_path(what), "a") as out:
            proc = subprocess.Popen(
                [sys.executable, *args], cwd=ROOT, env=self.env(), stdout=out, stderr=out, start_new_session=True
            )
        self.procs[what] = proc
        self.trees.add(proc.pid)
        return proc

    def start_web(self) -> None:
        self.popen("web", ["-m", "gunicorn", "--config", "python:operations.gunicorn", "sdp_project.wsgi"])
        wait_for(self.healthy, f"{self.name} web server", timeout=READY_TIMEOUT, logs=lambda: self.tail("web"))

    def start_worker(self) -> None:
        self.popen(
            "worker",
            ["-m", "celery", "-A", "sdp_project", "worker", "--pool=solo", "--without-gossip", "--without-mingle",
             "--loglevel=INFO", "-n", f"{self.name}-{self.port}@%h"],
        )  # fmt: skip
        wait_for(
            lambda: "ready." in self.log_path("worker").read_text(),
            f"{self.name} worker",
            timeout=READY_TIMEOUT,
            logs=lambda: self.tail("worker"),
        )

    def start_beat(self) -> None:
        beat_file = self.tmp / f"{self.name}-beat"
        self.popen("beat", ["-m", "celery", "-A", "sdp_project", "beat", "--loglevel=INFO", "-s", str(beat_file)])

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=3) as answer:
                return answer.status == 200
        except OSError:
            return False

    def kill(self, what: str) -> None:
        """SIGKILL one process's whole session (a crash, a power cut): nothing gets to clean up."""
        proc = self.procs.get(what)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def stop_all(self) -> set[int]:
        """Stop every process started here; returns the pids of their trees (to check none is left)."""
        pids = set()
        for proc in self.procs.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                pids |= {proc.pid} | {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        for pid in list(pids):  # children that left the session (none should)
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()
        return pids

    def tail(self, what: str | None = None, n: int = 4000) -> str:
        names = [what] if what else list(self.procs)
        return "\n".join(
            f"--- {self.name} {name} ---\n{self.log_path(name).read_text()[-n:]}"
            for name in names
            if self.log_path(name).exists()
        )


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                left.add(pid)
    return left


CENTRAL_SETUP = f"""
from central.reference_data import reference_data_ensure
from central.models import Kanwil, Upt
from central.roles import Role
from central.services.roles import role_assign
from central.services.tokens import token_issue
from django.contrib.auth import get_user_model

reference_data_ensure()
kanwil = Kanwil.objects.get(code="33")
Upt.objects.get_or_create(code="{UPT_CODE}", defaults=dict(
    name="Lapas Kelas IIA Karanganyar Nusakambangan", upt_type="LAPAS", upt_class="IIA", kanwil=kanwil,
    city="Cilacap", capacity=500))
user, _ = get_user_model().objects.get_or_create(username="{CENTRAL_USER}")
user.set_password("{PASSWORD}")
user.save()
role_assign(user=user, role=Role.CENTRAL)
_token, raw = token_issue(user=user, name="uji dua server")
emit(raw)
"""

NODE_SETUP = f"""
from upt.node.records import NodeReference
from central.models import Upt
from central.roles import Role
from central.services.roles import role_assign
from django.contrib.auth import get_user_model

upt = Upt.objects.get(code="{UPT_CODE}")
user, _ = get_user_model().objects.get_or_create(username="{OPERATOR}")
user.set_password("{PASSWORD}")
user.save()
role_assign(user=user, role=Role.OPERATOR, upt=upt)
# The outbox's periodic retry every 2 seconds instead of every minute, so a fault test waits seconds.
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
assert PeriodicTask.objects.filter(task="upt.deliver_outbox").update(interval=every) == 1
version = NodeReference.get().version
assert version, "node_bootstrap took central's reference data"
emit(version)
"""


@dataclass
class Pair:
    """Central, the node, and the proxy the node reaches central through."""

    central: Server
    node: Server
    proxy: NetProxy
    central_token: str

    def logs(self) -> str:
        return self.central.tail() + "\n" + self.node.tail()

    def wait_for(self, predicate, what: str, timeout: float = 120):
        return wait_for(predicate, what, timeout=timeout, logs=self.logs)


def _collectstatic(server: Server) -> None:
    """Production's manifest storage serves the pages (DEBUG off): collect once, as deploy does."""
    server.manage("collectstatic", "--noinput", "-v", "0")


def start_pair(tmp: Path, started: list) -> Pair:
    """Create both databases, migrate them, start central, the proxy, and the node registered with central.
    Each server and the proxy go into ``started`` as soon as they exist, so a failed setup is cleaned up."""
    base = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    pid = os.getpid()
    central_redis, node_redis = _redis_urls()
    central = Server("central", f"{base}_central_{pid}", central_redis, tmp)
    node = Server(
        "node",
        f"{base}_node_{pid}",
        node_redis,
        tmp,
        extra_env={  # SDP_MODE, SDP_UPT_CODE, SDP_CENTRAL_URL and the token come from var/node.env
            "SDP_NODE_ADMIN_PASSWORD": PASSWORD,
            "SDP_NODE_RETRY_FIRST_SECONDS": "1",
            "SDP_NODE_RETRY_MAX_SECONDS": "4",
            "SDP_NODE_TIMEOUT": "30",
        },
    )
    started += [central, node]
    for server in (central, node):
        _create_database(server.db_name)
        redis.Redis.from_url(server.redis_url).flushdb()  # no task left over from an earlier session
    central.manage("migrate", "--noinput", "-v", "0", timeout=400)
    _collectstatic(central)
    central_token = central.shell(CENTRAL_SETUP)
    # Central's admin issues the node credential (README: "Node at a UPT").
    node_token = central.manage("node_credential", UPT_CODE).strip().splitlines()[-1]
    central.start_web()
    central.start_worker()
    proxy = NetProxy("127.0.0.1", central.port).start()
    started.append(proxy)
    # At the lapas, README's two commands: scripts/node-register (checks the token with central, writes
    # var/node.env), then what scripts/start does on a node's first start: migrate and node_bootstrap.
    registered = subprocess.run(
        ["bash", "scripts/node-register", "--central", proxy.url, "--upt", UPT_CODE, "--token", node_token],
        cwd=ROOT,
        env={**node.env(), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert registered.returncode == 0, registered.stdout + registered.stderr
    node.manage("migrate", "--noinput", "-v", "0", timeout=400)
    node.manage("node_bootstrap")
    node.shell(NODE_SETUP)
    node.start_web()
    node.start_worker()
    node.start_beat()
    return Pair(central=central, node=node, proxy=proxy, central_token=central_token)


def stop_all(started: list) -> None:
    """Stop the proxy and every process of both servers, check none is left, drop both databases."""
    servers = [item for item in started if isinstance(item, Server)]
    for item in started:
        if isinstance(item, NetProxy):
            item.stop()
    pids = set()
    for server in servers:
        pids |= server.stop_all()
    deadline = time.monotonic() + 30
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = alive(pids)
    for server in servers:
        _drop_database(server.db_name)
        redis.Redis.from_url(server.redis_url).flushdb()
    assert not left, f"processes left behind: {left}"


@contextlib.contextmanager
def running_pair(tmp: Path):
    """Central and a node running for the ``with`` block; everything stopped and dropped after it."""
    started: list = []
    try:
        yield start_pair(tmp, started)
    finally:
        stop_all(started)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """One central and one node for a whole test module (their setup is the slow part)."""
    with running_pair(tmp_path_factory.mktemp("two-servers")) as running:
        yield running
