#!/usr/bin/env python
"""Peak memory of the production web server under concurrent maximum-size packages and gzip bombs.

    python scripts/bench_memory.py --database-url postgres://postgres@127.0.0.1:5432/sdp_bench_memory

Creates (or reuses) the database named in ``--database-url`` and migrates it, adds throw-away UPTs with an
operator each, then starts gunicorn exactly as configured (``operations/gunicorn.py``: 2 processes × 4
threads) on a free loopback port and sends, all at once from threads, ``--packages`` valid full packages
of just under ``SUBMISSION_MAX_MB`` of JSON (gzip-compressed, one UPT each) and ``--bombs`` gzip bombs that
would inflate to ``--bomb-mb``. While they run it samples the resident memory (RSS, and PSS which counts
pages shared between the forked processes once) of gunicorn's master and workers with psutil and prints
the peaks and every answer's status. The database is the benchmark's own: never point it at real data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-memory-Sandi-2026"  # noqa: S105 — the benchmark's throw-away accounts


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(*, count: int, max_bytes: int) -> list[tuple[str, bytes]]:
    """UPTs BENCHMEM01… with an operator each, and one full package of just under ``max_bytes`` for each."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from central import package as pkg
    from central.models import Kanwil, Upt
    from central.roles import Role
    from central.services.roles import role_assign
    from devtools.package_synthetic import synthetic_package

    kanwil = Kanwil.objects.order_by("code").first() or Kanwil.objects.create(
        code="BENCH", name="Kanwil uji memori", province="Jawa Tengah"
    )
    sample = len(pkg.dumps(synthetic_package(upt_code="BENCHMEM01", seed=0, persons=1000)))
    persons = int(max_bytes * 0.97 * 1000 / sample)
    senders = []
    for n in range(1, count + 1):
        code = f"BENCHMEM{n:02d}"
        upt, _created = Upt.objects.get_or_create(
            code=code, defaults={"name": f"UPT uji memori {n}", "upt_type": "LAPAS", "kanwil": kanwil, "capacity": 5000}
        )
        user, created = get_user_model().objects.get_or_create(username=f"bench-memory-{n}")
        user.set_password(PASSWORD)
        user.save()
        if created:
            role_assign(user=user, role=Role.OPERATOR, upt=upt)
        # A new seed each time: the same package twice would be answered from the first, not parsed again.
        document = synthetic_package(upt_code=code, seed=int(time.time()) * 100 + n, persons=persons)
        data = pkg.dumps(document)
        del document
        assert len(data) <= max_bytes, (len(data), max_bytes)
        senders.append((user.username, gzip.compress(data, 6)))
        print(
            f"  package {n}: {persons:,} persons, {len(data) / 2**20:.1f} MiB JSON, "
            f"{len(senders[-1][1]) / 2**20:.1f} MiB gzip"
        )
    return senders


def bomb(inflated_mb: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 2**20
    return b"".join(compressor.compress(block) for _ in range(inflated_mb)) + compressor.flush()


def request(base: str, path: str, *, body: bytes, headers: dict[str, str], timeout: float = 600) -> tuple[int, bytes]:
    req = urllib.request.Request(base + path, data=body, headers=headers, method="POST")  # noqa: S310 — loopback
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def token_for(base: str, username: str) -> str:
    status, body = request(
        base,
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": PASSWORD, "name": "bench_memory"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, (status, body[:300])
    return json.loads(body)["token"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sdp_bench_memory")
    parser.add_argument("--redis-url", default="", help="broker for the server (default: none, tasks run eagerly)")
    parser.add_argument("--packages", type=int, default=8)
    parser.add_argument("--bombs", type=int, default=8)
    parser.add_argument("--bomb-mb", type=int, default=1024, help="what each bomb would inflate to (MiB)")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "sdp_project.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-memory-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
        "DEBUG": "false",
        "LOG_LEVEL": "error",
        "AXES_ENABLED": os.environ.get("AXES_ENABLED", "true"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    ensure_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], check=True, env=env)

    from django.conf import settings

    print(f"preparing {args.packages} packages …")
    senders = prepare(count=args.packages, max_bytes=settings.SUBMISSION_MAX_BYTES)
    from devtools.national.peak import MemorySampler, free_port  # lazy: needs django.setup() (in prepare)

    bomb_body = bomb(args.bomb_mb)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:operations.gunicorn", "sdp_project.wsgi"],
        env={**env, "WEB_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 — loopback
                break
            except OSError:  # not listening yet, or still starting
                time.sleep(0.2)
        master = psutil.Process(server.pid)
        tokens = [token_for(base, username) for username, _body in senders]
        idle = sum(p.memory_info().rss for p in [master, *master.children(recursive=True)])
        sampler = MemorySampler(master)
        sampler.start()
        results: list[tuple[str, int, float]] = []

        def send(kind: str, body: bytes, token: str) -> None:
            started = time.monotonic()
            status, _answer = request(
                base,
                "/api/v1/submissions/",
                body=body,
                headers={"Content-Type": "application/gzip", "Authorization": f"Token {token}"},
            )
            results.append((kind, status, time.monotonic() - started))

        threads = [
            threading.Thread(target=send, args=("package", body, token))
            for (_username, body), token in zip(senders, tokens, strict=True)
        ]
        threads += [
            threading.Thread(target=send, args=("bomb", bomb_body, tokens[n % len(tokens)])) for n in range(args.bombs)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=60)

    mib = 2**20
    print(
        f"gunicorn: {settings.SUBMISSION_MAX_BYTES // mib} MiB limit, idle RSS (master + workers) {idle / mib:.0f} MiB"
    )
    for kind in ("package", "bomb"):
        answers = sorted((status, round(seconds, 1)) for k, status, seconds in results if k == kind)
        print(f"  {kind}s: {[status for status, _ in answers]} in {[seconds for _, seconds in answers]} s")
    print(
        f"peak RSS master + workers: {sampler.peak_rss / mib:.0f} MiB (PSS {sampler.peak_pss / mib:.0f} MiB), "
        f"largest worker {sampler.peak_worker_rss / mib:.0f} MiB; all answered in {elapsed:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
