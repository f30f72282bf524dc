"""Runs the test suite with real services, whatever the machine has (``scripts/test`` calls it).

- PostgreSQL: ``DATABASE_URL`` when set; else the server answering at postgres://postgres@127.0.0.1:5432;
  else the embedded PostgreSQL (``operations/embedded.py``) with its data in ``var/test/``, stopped at the end.
- Redis for the tests that start real Celery workers: ``SDP_TEST_REDIS_URL`` when set; else the server
  answering at 127.0.0.1:6379 (db 15); else the embedded Redis on a free loopback port.
- Chromium (the browser journeys) and gettext (the catalogue test): found on the PATH, else installed with
  apt-get when running as root, else Playwright's own Chromium where the internet is reachable, else this
  stops at once with the command to run. A test is never skipped for want of a tool.
Arguments go to pytest.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from operations import embedded  # noqa: E402 — after the path is set

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sdp"
DEFAULT_REDIS_HOST, DEFAULT_REDIS_PORT = "127.0.0.1", 6379
TEST_VAR_DIR = BASE_DIR / "var" / "test"


def _say(text: str) -> None:
    print(f"[scripts/test] {text}", flush=True)


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _redis_answers(host: str, port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host=host, port=port, socket_timeout=2, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _apt_install(package: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    _say(f"installing {package} with apt-get…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    return subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=False).returncode == 0


def _playwright_chromium() -> str | None:
    """Playwright's own Chromium, downloaded where the internet is reachable."""
    if subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False).returncode != 0:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def _ensure_chromium() -> None:
    if os.environ.get("SDP_CHROMIUM") and Path(os.environ["SDP_CHROMIUM"]).exists():
        return
    found = shutil.which("chromium")
    if not found and _apt_install("chromium"):
        found = shutil.which("chromium")
    if not found:
        found = _playwright_chromium()
    if not found:
        sys.exit(
            "[scripts/test] Chromium is needed for the browser journeys and could not be installed. Run "
            "`sudo apt-get install chromium` (Debian/Ubuntu), or set SDP_CHROMIUM to a Chromium binary, then "
            "scripts/test again."
        )
    os.environ["SDP_CHROMIUM"] = found


def _ensure_gettext() -> None:
    if not (shutil.which("xgettext") and shutil.which("msgmerge")) and not _apt_install("gettext"):
        sys.exit(
            "[scripts/test] gettext (xgettext, msgmerge) is needed for the translation test. Run "
            "`sudo apt-get install gettext` (Debian/Ubuntu; `brew install gettext` on macOS), then scripts/test again."
        )
    os.environ["SDP_REQUIRE_GETTEXT"] = "1"


def main(args: list[str]) -> int:
    started_pg = started_redis = False
    try:
        if not os.environ.get("DATABASE_URL"):
            if _postgres_answers(DEFAULT_DATABASE_URL):
                os.environ["DATABASE_URL"] = DEFAULT_DATABASE_URL
            else:
                _say("no PostgreSQL at 127.0.0.1:5432: starting the embedded one (var/test/postgres)")
                TEST_VAR_DIR.mkdir(parents=True, exist_ok=True)
                embedded.pg_ensure_running(TEST_VAR_DIR)
                started_pg = True
                os.environ["DATABASE_URL"] = embedded.database_url(TEST_VAR_DIR)
        if not os.environ.get("SDP_TEST_REDIS_URL"):
            if _redis_answers(DEFAULT_REDIS_HOST, DEFAULT_REDIS_PORT):
                os.environ["SDP_TEST_REDIS_URL"] = f"redis://{DEFAULT_REDIS_HOST}:{DEFAULT_REDIS_PORT}/15"
            else:
                port = _free_port()
                _say(f"no Redis at 127.0.0.1:6379: starting the embedded one on 127.0.0.1:{port}")
                TEST_VAR_DIR.mkdir(parents=True, exist_ok=True)
                embedded.redis_start(TEST_VAR_DIR, port=port)
                os.environ["SDP_TEST_REDIS_URL"] = f"redis://127.0.0.1:{port}/15"
                started_redis = True
        _ensure_chromium()
        _ensure_gettext()
        os.environ.setdefault("SECRET_KEY", "sdp-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
        os.environ.pop("REDIS_URL", None)  # tasks run in-process unless a test starts a real worker
        return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=BASE_DIR, check=False).returncode
    except embedded.EmbeddedError as exc:
        _say(f"cannot start the embedded servers: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if started_redis:
            embedded.redis_stop(TEST_VAR_DIR)
        if started_pg:
            embedded.pg_stop(TEST_VAR_DIR)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
