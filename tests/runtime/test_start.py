"""``scripts/start`` as a newcomer runs it: the whole system on the embedded PostgreSQL and Redis — gunicorn, a
Celery worker, one beat — the demo logins working, a consolidation run in the background by the worker, and
Ctrl+C or SIGTERM leaving no process behind. A second start reuses the data.

The launcher (``python -m operations.launch start``, what scripts/start runs after installing) is started
as a real process with its own ``var/`` and port; nothing here touches the test database.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psutil
import psycopg
import pytest

from operations import embedded

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sandi-demo-uji-2026"
START_TIMEOUT = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class System:
    """One ``scripts/start`` run: its process, its address, and everything it started."""

    def __init__(self, var_dir: Path, port: int, out_dir: Path | None = None):
        self.var_dir, self.port = var_dir, port
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
        env.update(SDP_VAR_DIR=str(var_dir), SDP_PORT=str(port), SDP_DEMO_PASSWORD=PASSWORD, WEB_WORKERS="1")
        self.output = (out_dir or var_dir.parent) / f"start-{port}.txt"
        with open(self.output, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "operations.launch", "start"], cwd=ROOT, env=env, stdout=out, stderr=out
            )

    def text(self) -> str:
        return self.output.read_text()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while "SDP berjalan di" not in self.text():
            assert self.process.poll() is None, f"scripts/start ended early:\n{self.text()}"
            assert time.monotonic() < deadline, f"not serving after {START_TIMEOUT} s:\n{self.text()}"
            time.sleep(0.5)

    def processes(self) -> set[int]:
        """Every process this run started: the launcher's tree, the PostgreSQL server, the Redis server."""
        pids = {self.process.pid}
        pids |= {child.pid for child in psutil.Process(self.process.pid).children(recursive=True)}
        data = str(embedded.pg_data_dir(self.var_dir))
        for proc in psutil.process_iter(["cmdline", "ppid"]):
            command = " ".join(proc.info["cmdline"] or [])
            if data in command or str(embedded.redis_socket(self.var_dir)) in command:
                pids.add(proc.pid)
        postmasters = {pid for pid in pids if "postgres -D" in " ".join(psutil.Process(pid).cmdline())}
        pids |= {child.pid for pm in postmasters for child in psutil.Process(pm).children()}
        return pids

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=90)

    def clean_up(self) -> None:
        """After a failed assertion: stop the run as Ctrl+C would, and kill whatever still lives."""
        if self.process.poll() is None:
            tree = self.processes()
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=60)
            for pid in _alive(tree):
                with contextlib.suppress(psutil.NoSuchProcess):
                    psutil.Process(pid).kill()


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _wait_all_gone(pids: set[int], timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _alive(pids)


class Browser:
    """A signed-in person talking to the real server (cookies and the CSRF token, as a browser keeps them)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.status, answer.geturl(), answer.read().decode()

    def post_form(self, path: str, form_page: str, data: dict[str, str]) -> tuple[int, str, str]:
        _, _, html = self.get(form_page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + form_page})
        with self.opener.open(request, timeout=60) as answer:
            return answer.status, answer.geturl(), answer.read().decode()

    def login(self, username: str) -> str:
        status, landed, html = self.post_form(
            "/akun/masuk/", "/akun/masuk/", {"username": username, "password": PASSWORD}
        )
        assert status == 200 and "/akun/masuk/" not in landed, html[:500]
        return landed


def _run_row(var_dir: Path, run_id: int) -> tuple[str, datetime | None]:
    host = str(embedded.socket_dir(var_dir))
    with psycopg.connect(host=host, port=embedded.PORT, user="postgres", dbname="sdp") as conn:
        return conn.execute(
            "SELECT state, finished_at FROM central_consolidationrun WHERE id = %s", [run_id]
        ).fetchone()


@pytest.fixture
def var_dir(tmp_path):
    var = tmp_path / "var"
    yield var
    if var.exists():  # whatever a failed test left running
        embedded.redis_stop(var)
        embedded.pg_stop(var)


def test_start_serves_the_whole_system_and_sigterm_then_ctrl_c_leave_no_process(var_dir):
    # First start: a fresh var/.
    system = System(var_dir, _free_port())
    try:
        system.wait_until_serving()
        out = system.text()
        assert "PostgreSQL 18 (tertanam / embedded" in out and "Redis (tertanam / embedded) siap." in out
        assert f"password for every demo user: {PASSWORD}" in out
        started = system.processes()
        commands = [" ".join(psutil.Process(pid).cmdline()) for pid in _alive(started)]
        assert any("gunicorn" in c and "operations.gunicorn" in c for c in commands)
        assert sum("celery" in c and " beat" in c for c in commands) == 1  # exactly one beat
        assert any("celery" in c and " worker" in c for c in commands)
        assert any("redis-server" in c for c in commands) and any("postgres -D" in c for c in commands)

        with urllib.request.urlopen(system.url + "/readyz", timeout=30) as answer:
            ready = json.loads(answer.read())
        assert answer.status == 200 and ready["status"] == "ok", ready
        assert all(check["ok"] for check in ready["checks"].values()) and "broker" in ready["checks"], ready

        operator = Browser(system.url)
        assert operator.login("op.karanganyar").endswith("/upt/LP3301/")

        # Central clicks "Jalankan konsolidasi": the page answers at once and the worker does the run.
        central = Browser(system.url)
        assert central.login("pusat").endswith("/laporan/nasional/")
        _, run_page, _ = central.post_form("/pusat/konsolidasi/jalankan/", "/laporan/nasional/", {})
        answered_at = datetime.now(UTC)
        run_id = int(re.search(r"/laporan/nasional/konsolidasi/(\d+)/", run_page).group(1))
        deadline = time.monotonic() + 120
        while (row := _run_row(var_dir, run_id))[0] in ("queued", "running"):
            assert time.monotonic() < deadline, row
            time.sleep(0.3)
        state, finished_at = row
        assert state == "succeeded"
        assert finished_at > answered_at  # finished after the click was answered: in the background
        _, _, html = central.get(f"/laporan/nasional/konsolidasi/{run_id}/")
        assert "Berhasil" in html

        # SIGTERM (systemd, a process manager) stops everything.
        assert system.stop(signal.SIGTERM) == 0
        assert _wait_all_gone(started) == set()
        assert "SDP berhenti / SDP stopped." in system.text()
        assert not embedded.pg_is_running(var_dir)
    finally:
        system.clean_up()

    # Second start on the same var/: the data is reused (the run is still there), then Ctrl+C.
    again = System(var_dir, _free_port())
    try:
        again.wait_until_serving()
        started = again.processes()
        central = Browser(again.url)
        central.login("pusat")
        _, _, html = central.get(f"/laporan/nasional/konsolidasi/{run_id}/")
        assert f"#{run_id}" in html and "Berhasil" in html
        assert again.stop(signal.SIGINT) in (0, 130)  # Ctrl+C
        assert _wait_all_gone(started) == set()
    finally:
        again.clean_up()


def test_a_port_in_use_is_one_clear_line_and_nothing_is_started(var_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        system = System(var_dir, port)
        assert system.process.wait(timeout=60) == 1
    out = system.text().strip().splitlines()
    assert out == [
        f"SDP tidak dapat dimulai / SDP cannot start: Port {port} on 127.0.0.1 is already in use (another SDP, "
        f"or another program). Stop it, or start SDP on another port: SDP_PORT={port + 1} scripts/start"
    ]
    assert not embedded.pg_data_dir(var_dir).exists()  # nothing half-started


def test_a_var_folder_that_cannot_be_created_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    system = System(blocker / "var", _free_port(), out_dir=tmp_path)
    assert system.process.wait(timeout=60) == 1
    out = system.text().strip().splitlines()
    assert len(out) == 1 and "SDP cannot start" in out[0] and "SDP_VAR_DIR" in out[0], out
