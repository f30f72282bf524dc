"""``scripts/start``: the whole system as a deployment runs it, on one machine with nothing but Python.

Starts the embedded PostgreSQL (unless ``DATABASE_URL`` is set) and Redis (unless ``REDIS_URL`` is set),
migrates, collects static files, loads the demo, then runs the ``Procfile``'s processes — gunicorn, a Celery
worker and exactly one beat — under honcho until Ctrl+C or SIGTERM, and stops everything it started. The
processes' output goes to ``var/log/sdp.log``; the terminal gets the address, the demo logins and, if a process
fails, the end of that log.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# honcho gives processes this long to stop after SIGTERM before it kills them: long enough for gunicorn to
# finish its requests and for a worker to give back a consolidation it had taken (the run is redone).
STOP_GRACE_SECONDS = 30


class StartError(RuntimeError):
    """A problem the person starting SDP can fix; printed as one line."""


class SignalSafeLog:
    """The processes' log file as honcho's printer writes to it.

    honcho writes "SIGTERM received" from its signal handler. A buffered file interrupted by that handler in
    the middle of writing a process's line raises "reentrant call", and the launcher then leaves without
    stopping its processes. Each write here is one unbuffered ``os.write``, which has no such lock.
    """

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    def write(self, text: str) -> int:
        os.write(self.fd, text.encode("utf-8", "replace"))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        os.close(self.fd)


def _say(text: str) -> None:
    print(text, flush=True)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartError(
                    f"Port {port} on {host} is already in use (another SDP, or another program). Stop it, or "
                    f"start SDP on another port: SDP_PORT={port + 1} scripts/start"
                ) from exc
            raise StartError(f"Cannot serve on {host}:{port}: {exc.strerror}.") from exc


def _secret_key(var_dir: Path) -> str:
    """The installation's own key in ``var/secret_key`` (sessions survive a restart); settings read the same
    file when SECRET_KEY is unset, so later ``manage.py`` commands in this checkout sign with it too."""
    key_file = var_dir / "secret_key"
    if not key_file.is_file() or not key_file.read_text().strip():
        key_file.write_text(secrets.token_urlsafe(50) + "\n")
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _manage(env: dict[str, str], *args: str) -> None:
    # Set-up steps write to the terminal a person reads: plain lines, unless LOG_FORMAT was chosen.
    env = {**env, "LOG_FORMAT": os.environ.get("LOG_FORMAT") or "plain"}
    done = subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR, check=False)
    if done.returncode != 0:
        raise StartError(f"manage.py {args[0]} failed (exit {done.returncode}); its output is above.")


def _procfile() -> dict[str, str]:
    from honcho.environ import parse_procfile

    return dict(parse_procfile((BASE_DIR / "Procfile").read_text()).processes)


def _is_node(env: dict[str, str], var_dir: Path) -> bool:
    """SDP_MODE=upt in the environment or in the node's registration file (var/node.env)."""
    if env.get("SDP_MODE"):
        return env["SDP_MODE"].strip().lower() == "upt"
    path = Path(env.get("SDP_NODE_ENV_FILE", var_dir / "node.env"))
    if not path.is_file():
        return False
    for line in path.read_text().splitlines():
        name, _sep, value = line.partition("=")
        if name.strip() == "SDP_MODE":
            return value.strip().strip("'\"").lower() == "upt"
    return False


def _announce_when_ready(url: str, stop: threading.Event, node: bool = False) -> None:
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}healthz", timeout=2) as answer:  # noqa: S310 — our own address
                if answer.status == 200:
                    _say(f"\nSDP berjalan di / SDP is running at: {url}")
                    who = "akun admin node di atas" if node else "salah satu akun demo di atas"
                    _say(f"Masuk dengan {who}. Tekan Ctrl+C untuk berhenti.")
                    return
        except OSError:
            pass
        time.sleep(0.5)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop_requested(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def start() -> int:
    from operations import embedded

    host = os.environ.get("SDP_HOST", "127.0.0.1")
    port = int(os.environ.get("SDP_PORT", "8000"))
    var_dir = Path(os.environ.get("SDP_VAR_DIR", BASE_DIR / "var")).resolve()
    env = dict(os.environ)
    env["SDP_VAR_DIR"] = str(var_dir)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("DEBUG", "false")
    env.setdefault("ALLOWED_HOSTS", f"localhost,127.0.0.1,[::1],{host}")
    env["SDP_HOST"], env["SDP_PORT"] = host, str(port)
    env["PYTHONUNBUFFERED"] = "1"

    signal.signal(signal.SIGTERM, _stop_requested)  # stop cleanly while preparing, too
    started_pg = started_redis = False
    log_file = var_dir / "log" / "sdp.log"
    try:
        _check_port_free(host, port)
        try:
            var_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StartError(f"Cannot create {var_dir} ({exc.strerror}): set SDP_VAR_DIR to a folder you may write.")
        if not os.environ.get("SECRET_KEY"):
            env["SECRET_KEY"] = _secret_key(var_dir)
        if not os.environ.get("DATABASE_URL"):
            t0 = time.monotonic()
            embedded.pg_ensure_running(var_dir)
            started_pg = True
            env["DATABASE_URL"] = embedded.database_url(var_dir)
            _say(
                f"PostgreSQL {embedded.pg_major_version()} (tertanam / embedded, {var_dir / 'postgres'}) siap "
                f"dalam {time.monotonic() - t0:.1f} s."
            )
        if not os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = embedded.redis_start(var_dir)
            started_redis = True
            _say("Redis (tertanam / embedded) siap.")

        _manage(env, "migrate", "--noinput", "--verbosity", "0")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        node = _is_node(env, var_dir)
        if node:
            # A UPT node (scripts/node-register): central's reference data and a first administrator, no demo.
            _manage(env, "node_bootstrap")
        else:
            demo = ["seed_demo", *(["--password", env["SDP_DEMO_PASSWORD"]] if env.get("SDP_DEMO_PASSWORD") else [])]
            _manage(env, *demo)

        import honcho.manager
        from honcho.printer import Printer

        honcho.manager.KILL_WAIT = STOP_GRACE_SECONDS
        log_file.parent.mkdir(exist_ok=True)
        log = SignalSafeLog(log_file)
        try:
            manager = honcho.manager.Manager(Printer(output=log, colour=False))
            for name, command in _procfile().items():
                manager.add_process(name, command, env=env, cwd=str(BASE_DIR))
            _say(f"Menjalankan web (gunicorn), worker dan beat (Celery); log: {log_file}")
            ready = threading.Event()
            url = f"http://{host}:{port}/"
            threading.Thread(target=_announce_when_ready, args=(url, ready, node), daemon=True).start()
            manager.loop()  # returns when every process has stopped (Ctrl+C, SIGTERM, or one of them failing)
            ready.set()
        finally:
            log.close()
        if manager.returncode not in (0, None) and manager.returncode != 130 and manager.returncode != 143:
            _say(f"\nA process stopped (exit {manager.returncode}); the end of {log_file}:\n{_tail(log_file)}")
            return 1
        return 0
    except StartError as exc:
        _say(f"SDP tidak dapat dimulai / SDP cannot start: {exc}")
        return 1
    except embedded.EmbeddedError as exc:
        _say(f"SDP tidak dapat dimulai / SDP cannot start: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if started_redis:
            embedded.redis_stop(var_dir)
        if started_pg:
            embedded.pg_stop(var_dir)
            _say("SDP berhenti / SDP stopped.")


if __name__ == "__main__":
    if sys.argv[1:] != ["start"]:
        sys.exit("usage: python -m operations.launch start")
    sys.exit(start())
