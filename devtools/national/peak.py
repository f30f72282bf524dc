"""The morning peak (``manage.py bench_peak``): every UPT posts its daily package to the production web
server at once while report readers browse the dashboards.

Between 08.00 and 10.00 WIB the 531 UPTs send their day. This puts all of them on the server in one burst —
a harder case than two hours of arrivals — over loopback HTTP, the way a UPT node's outbox or a script
would: ``POST /api/v1/submissions/`` with the operator's token, gzip-compressed. Readers at central and in a
Kanwil open the dashboards, the compliance page and the report API in a loop with a pause between pages
(5 s by default, a person reading a dashboard), arriving spread over the first pause.

The server is gunicorn started as README's production section runs it (``operations/gunicorn.py``, ``DEBUG``
off, static files collected), on the national dataset of ``seed_national`` with its register loaded. Two
rounds: daily deltas from every UPT (≈1 % of people, ≈0.5 % of movements and remissions changed, as
``bench``'s daily scenario), then the same with one UPT in ten sending a full snapshot. Packages are built
before the clock starts (the builder is the UPT's work, not the server's) and stored by the server; no
consolidation runs (it is the afternoon's). Figures: per endpoint n, errors, p50/p95/p99/max; throughput;
when the last package was stored; peak memory of gunicorn's master and workers.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psutil
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from central.services.tokens import token_issue
from devtools.national.bench import NationalBench
from upt.services.package import package_export

MIB = 2**20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MemorySampler(threading.Thread):
    """Polls the resident memory of a server's master and its workers until stopped; keeps the peaks."""

    def __init__(self, master: psutil.Process):
        super().__init__(daemon=True)
        self.master = master
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = self.peak_worker_rss = 0

    def run(self) -> None:
        while not self.stop.is_set():
            rss = pss = 0
            try:
                for process in [self.master, *self.master.children(recursive=True)]:
                    info = process.memory_full_info()
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
                    if process.pid != self.master.pid:
                        self.peak_worker_rss = max(self.peak_worker_rss, info.rss)
            except psutil.Error:
                continue
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(0.1)


@dataclass
class Answer:
    endpoint: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float
    finished: float  # seconds after the round started


@dataclass
class Round:
    label: str
    packages: int = 0
    full_packages: int = 0
    rows: int = 0
    gzip_mib: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    last_stored: float = 0.0
    peak_rss_mib: float = 0.0
    peak_pss_mib: float = 0.0
    load: float = 0.0


def _call(url: str, *, body: bytes | None = None, headers: dict[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)
    except OSError:
        return 0


class MorningPeak:
    def __init__(
        self, *, senders: int, readers: int, think: float, say: Callable[[str], None], kanwil: str | None = None
    ):
        self.senders, self.readers, self.think, self.say = senders, readers, think, say
        self.bench = NationalBench(runs=1, say=say, kanwil=kanwil)
        self.tokens: dict[int, str] = {}
        self.cookies: list[tuple[str, list[str]]] = []

    # --- preparation (not timed) -------------------------------------------------------------------------
    def prepare(self) -> None:
        self.bench.ensure_register()
        for upt, operator in self.bench.units:
            _token, secret = token_issue(user=operator, name="bench_peak")
            self.tokens[upt.pk] = secret
        central_pages = [
            "/laporan/nasional/",
            "/laporan/nasional/kepatuhan/",
            "/laporan/nasional/hunian/",
            "/api/v1/reports/occupancy/",
        ]
        region_pages = ["/laporan/wilayah/14/", "/laporan/wilayah/14/kepatuhan/", "/laporan/wilayah/14/hunian/"]
        for n in range(self.readers):
            user, pages = (self.bench.central, central_pages) if n % 2 == 0 else (self.bench.monitor, region_pages)
            self.cookies.append((self._session(user), pages))

    @staticmethod
    def _session(user) -> str:
        """A signed-in browser's session, as the login page would have made it."""
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def packages(self, *, full_every: int | None) -> tuple[list[tuple[int, bool, bytes]], int]:
        """Every UPT's next package (a full snapshot for one UPT in ``full_every``), gzip-compressed."""
        self.bench.change(0.01, 0.005)
        built, rows = [], 0
        for n, (upt, operator) in enumerate(self.bench.units):
            full = bool(full_every) and n % full_every == 0
            package = package_export(user=operator, upt=upt, force_full=full)
            rows += package.row_count
            built.append((upt.pk, full, gzip.compress(package.payload(), 6)))
        return built, rows

    # --- the peak ----------------------------------------------------------------------------------------
    def run(self, rounds: list[tuple[str, int | None]]) -> list[Round]:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_BIND": f"127.0.0.1:{port}",
            "LOG_LEVEL": "warning",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-peak-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        }
        # Static files as production serves them (the manifest storage), collected by the server's settings.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:operations.gunicorn", "sdp_project.wsgi"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
        results = []
        try:
            for _ in range(600):
                if _call(base + "/healthz", headers={}, timeout=2) == 200:
                    break
                time.sleep(0.2)
            master = psutil.Process(server.pid)
            for label, full_every in rounds:
                self.say(f"{label}: membangun paket {len(self.bench.units)} UPT…")
                built, rows = self.packages(full_every=full_every)
                self.say(f"{label}: {len(built)} paket ({rows:,} baris) dikirim serentak…")
                results.append(self._round(label, base, master, built, rows))
        finally:
            server.terminate()
            server.wait(timeout=90)
        return results

    def _round(self, label: str, base: str, master: psutil.Process, built, rows: int) -> Round:
        result = Round(label, packages=len(built), full_packages=sum(1 for _pk, full, _b in built if full), rows=rows)
        result.gzip_mib = sum(len(body) for *_rest, body in built) / MIB
        sampler = MemorySampler(master)
        sampler.start()
        answers: list[Answer] = []
        lock = threading.Lock()
        senders_done = threading.Event()
        started = time.monotonic()

        def record(endpoint: str, status: int, began: float) -> None:
            now = time.monotonic()
            with lock:
                answers.append(Answer(endpoint, status, now - began, now - started))

        def send(item: tuple[int, bool, bytes]) -> None:
            upt_pk, full, body = item
            began = time.monotonic()
            status = _call(
                base + "/api/v1/submissions/",
                body=body,
                headers={"Content-Type": "application/gzip", "Authorization": f"Token {self.tokens[upt_pk]}"},
                timeout=600,
            )
            record("POST submissions (full)" if full else "POST submissions (delta)", status, began)

        def read(cookie: str, pages: list[str], first_after: float) -> None:
            n = 0
            senders_done.wait(first_after)
            while not senders_done.is_set():
                page = pages[n % len(pages)]
                began = time.monotonic()
                status = _call(
                    base + page, headers={"Cookie": cookie, "Accept": "text/html,application/json"}, timeout=120
                )
                record(f"GET {page}", status, began)
                n += 1
                senders_done.wait(self.think)

        # Readers arrive spread over one pause, as people do, not all in the same millisecond: 50 first
        # pages at once put every sender of the first seconds behind a queue no morning has.
        readers = [
            threading.Thread(target=read, args=(*reader, n * self.think / len(self.cookies)), daemon=True)
            for n, reader in enumerate(self.cookies)
        ]
        for thread in readers:
            thread.start()
        with ThreadPoolExecutor(max_workers=self.senders) as pool:
            list(pool.map(send, built))
        result.last_stored = time.monotonic() - started
        senders_done.set()
        for thread in readers:
            thread.join()
        result.seconds = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        result.answers = answers
        result.peak_rss_mib, result.peak_pss_mib = sampler.peak_rss / MIB, sampler.peak_pss / MIB
        result.load = round(os.getloadavg()[0], 2)
        return result


def _database_url() -> str:
    """The database this process uses (the test database, under pytest), as a URL for the server it starts."""
    db = connection.settings_dict
    auth = quote(str(db.get("USER") or ""), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    host = quote(str(db.get("HOST") or ""), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(str(db['NAME']), safe='')}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(result: Round) -> dict:
    endpoints: dict[str, list[Answer]] = {}
    for answer in result.answers:
        endpoints.setdefault(answer.endpoint, []).append(answer)
    rows = {}
    for endpoint, answers in sorted(endpoints.items()):
        seconds = [a.seconds for a in answers]
        rows[endpoint] = {
            "n": len(answers),
            "errors": sum(1 for a in answers if not 200 <= a.status < 400),
            "statuses": sorted({a.status for a in answers}),
            "p50": percentile(seconds, 0.50),
            "p95": percentile(seconds, 0.95),
            "p99": percentile(seconds, 0.99),
            "max": max(seconds),
            "mean": statistics.fmean(seconds),
        }
    return {
        "label": result.label,
        "packages": result.packages,
        "full_packages": result.full_packages,
        "rows": result.rows,
        "gzip_mib": round(result.gzip_mib, 1),
        "seconds": round(result.seconds, 2),
        "last_package_stored_after": round(result.last_stored, 2),
        "requests": len(result.answers),
        "throughput_per_second": round(len(result.answers) / result.seconds, 1) if result.seconds else None,
        "peak_rss_mib": round(result.peak_rss_mib),
        "peak_pss_mib": round(result.peak_pss_mib),
        "load": result.load,
        "endpoints": rows,
    }


def format_summary(data: dict) -> str:
    lines = [
        f"{data['label']}: {data['packages']} paket ({data['full_packages']} lengkap), {data['rows']:,} baris, "
        f"{data['gzip_mib']} MiB gzip; paket terakhir tersimpan setelah {data['last_package_stored_after']} s; "
        f"{data['requests']} permintaan dalam {data['seconds']} s ({data['throughput_per_second']}/s); "
        f"RSS puncak gunicorn {data['peak_rss_mib']} MiB (PSS {data['peak_pss_mib']} MiB); beban {data['load']}",
        f"  {'endpoint':44} {'n':>5} {'galat':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'maks':>7}",
    ]
    for endpoint, row in data["endpoints"].items():
        lines.append(
            f"  {endpoint:44} {row['n']:>5} {row['errors']:>5} {row['p50']:>7.3f} {row['p95']:>7.3f} "
            f"{row['p99']:>7.3f} {row['max']:>7.3f}"
        )
    return "\n".join(lines)


def write(data: list[dict], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"peak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2))
    return path
