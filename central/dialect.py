"""The one place where consolidation's SQL differs between PostgreSQL (production, tests) and SQLite (the
embedded demo).

Everything else writes portable SQL: ``INSERT … SELECT``, ``INSERT … ON CONFLICT … DO UPDATE … WHERE``,
``UPDATE … FROM``, window-free correlated subqueries and named parameters (``%(name)s``, which Django
accepts on both backends; a literal ``%`` is written ``%%``). What cannot be written once lives here:
regular expressions, date parts, text of a UUID, temporary tables, the runner lock that tells a live run
from one whose worker died, and how progress reaches other sessions while the run's transaction is open.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

# First key of PostgreSQL's two-key advisory locks taken by consolidation ("SDP" on a phone keypad), and of
# those held on one part of a run split per Kanwil (the second key is the part's id).
_ADVISORY_LOCK_CLASS = 737
_PART_LOCK_CLASS = 738


class Dialect:
    """SQL fragments for one backend. Get one with ``dialect_for(connection)``."""

    vendor = "postgresql"

    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    # --- expressions -------------------------------------------------------------------------------
    def regex(self, expr: str, pattern: str) -> str:
        """``expr`` matches the (POSIX/Python-compatible) regular expression ``pattern``."""
        return f"({expr} ~ '{pattern}')"

    def day(self, expr: str) -> str:
        return f"CAST(EXTRACT(DAY FROM {expr}) AS integer)"

    def month(self, expr: str) -> str:
        return f"CAST(EXTRACT(MONTH FROM {expr}) AS integer)"

    def year(self, expr: str) -> str:
        return f"CAST(EXTRACT(YEAR FROM {expr}) AS integer)"

    def date_text(self, expr: str) -> str:
        """A date as Indonesians write it, dd-mm-YYYY."""
        return f"to_char({expr}, 'DD-MM-YYYY')"

    def add_days(self, expr: str, days_param: str) -> str:
        """``expr`` plus a whole number of days given as a named parameter."""
        return f"({expr} + CAST(%({days_param})s AS integer))"

    def uuid_text(self, expr: str) -> str:
        """A UUID column as its canonical text (lower case, with dashes) — how packages spell uids."""
        return f"CAST({expr} AS varchar(36))"

    def uuid_from_text(self, expr: str) -> str:
        """Text (a tombstone's key) as a UUID to compare with a UUID column; NULL when it is not one."""
        hex_ = "[0-9a-fA-F]"
        pattern = f"^{hex_}{{8}}-?{hex_}{{4}}-?{hex_}{{4}}-?{hex_}{{4}}-?{hex_}{{12}}$"
        return f"(CASE WHEN {expr} ~ '{pattern}' THEN CAST({expr} AS uuid) END)"

    def not_same(self, left: str, right: str) -> str:
        """NULL-safe inequality."""
        return f"({left} IS DISTINCT FROM {right})"

    def evaluate_once(self) -> str:
        """Ends a derived table whose computed columns the outer query reads more than once. PostgreSQL
        merges a plain derived table into the outer query and computes such a column at every use; an
        ``OFFSET 0`` keeps it a table of its own, computed once per row."""
        return "OFFSET 0"

    # --- temporary tables --------------------------------------------------------------------------
    def temp_table(self, name: str, columns: str) -> list[str]:
        # Dropped at commit or rollback: a failed run leaves nothing behind in a pooled connection.
        return [f"DROP TABLE IF EXISTS pg_temp.{name}", f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP"]

    def temp_table_drop(self, name: str) -> list[str]:
        return []  # ON COMMIT DROP

    def analyze(self, name: str) -> list[str]:
        # Temporary tables are never analysed by autovacuum; without statistics the planner guesses.
        return [f"ANALYZE {name}"]

    def run_settings(self) -> list[str]:
        """Settings for the rest of a run's transaction. JIT off: a run is a few statements, each over the
        whole country, some with large expressions (the validation rules); compiling them with LLVM cost
        more than it saved (the person rules: ≈12 s with JIT, ≈10 s without, at national scale)."""
        return ["SET LOCAL jit = off"]

    def prefer_index_joins(self, on: bool) -> list[str]:
        """Joins by index (nested loops) for the rest of the transaction, or back to the planner's choice."""
        value = "off" if on else "on"
        return [f"SET LOCAL enable_hashjoin = {value}", f"SET LOCAL enable_mergejoin = {value}"]

    def estimated_rows(self, table: str) -> float | None:
        """The row count the planner believes (negative: never analysed); None where there is none."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
        return float(row[0]) if row else None


class SQLiteDialect(Dialect):
    vendor = "sqlite"

    def regex(self, expr: str, pattern: str) -> str:
        return f"({expr} REGEXP '{pattern}')"  # Django registers REGEXP on every SQLite connection

    def day(self, expr: str) -> str:
        return f"CAST(strftime('%%d', {expr}) AS integer)"

    def month(self, expr: str) -> str:
        return f"CAST(strftime('%%m', {expr}) AS integer)"

    def year(self, expr: str) -> str:
        return f"CAST(strftime('%%Y', {expr}) AS integer)"

    def date_text(self, expr: str) -> str:
        return f"strftime('%%d-%%m-%%Y', {expr})"

    def add_days(self, expr: str, days_param: str) -> str:
        return f"date({expr}, '+' || %({days_param})s || ' days')"

    def uuid_text(self, expr: str) -> str:
        # Django stores a UUID on SQLite as 32 hex digits without dashes.
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        return "(" + " || '-' || ".join(f"lower(substr({expr}, {a}, {n}))" for a, n in parts) + ")"

    def uuid_from_text(self, expr: str) -> str:
        return f"replace(lower({expr}), '-', '')"

    def not_same(self, left: str, right: str) -> str:
        return f"({left} IS NOT {right})"

    def evaluate_once(self) -> str:
        return "LIMIT -1 OFFSET 0"  # SQLite's spelling of an offset without a limit

    def temp_table(self, name: str, columns: str) -> list[str]:
        return [f"DROP TABLE IF EXISTS temp.{name}", f"CREATE TEMPORARY TABLE {name} ({columns})"]

    def temp_table_drop(self, name: str) -> list[str]:
        return [f"DROP TABLE IF EXISTS temp.{name}"]

    def analyze(self, name: str) -> list[str]:
        return []

    def run_settings(self) -> list[str]:
        return []

    def prefer_index_joins(self, on: bool) -> list[str]:
        return []

    def estimated_rows(self, table: str) -> float | None:
        return None


def dialect_for(connection: BaseDatabaseWrapper | None = None) -> Dialect:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        return Dialect(connection)
    if connection.vendor == "sqlite":
        return SQLiteDialect(connection)
    raise NotImplementedError(f"Consolidation supports PostgreSQL and SQLite, not {connection.vendor}.")


# --- the runner lock -------------------------------------------------------------------------------
class RunnerLock:
    """Held by the process executing a run, from before it claims the run until after it has recorded
    the outcome. The operating system or the database releases it when that process dies, so a run in
    state *running* whose lock is free has lost its worker (DESIGN §6: never decide that by asking the
    workers).

    PostgreSQL: a session-level advisory lock, scoped to the current schema (the benchmark consolidates
    in a schema of its own). SQLite: an exclusive ``flock`` on a file next to the database.
    """

    def __init__(self, connection: BaseDatabaseWrapper | None = None):
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self._held = False
        self._file = None

    def _lock_path(self) -> Path:
        name = str(self.connection.settings_dict["NAME"])
        if name and name != ":memory:" and not name.startswith("file:"):
            return Path(f"{name}.consolidation.lock")
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"sdp-consolidation-{digest}.lock"

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process holds it."""
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))", [_ADVISORY_LOCK_CLASS])
                self._held = bool(cursor.fetchone()[0])
            return self._held
        import fcntl

        handle = open(self._lock_path(), "a+")  # noqa: SIM115 — kept open while the lock is held
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        self._held = True
        return True

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        if self.connection.vendor == "postgresql":
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", [_ADVISORY_LOCK_CLASS])
            except Exception:  # a broken connection has already released it
                log.warning("Could not release the consolidation lock; the connection is gone.", exc_info=True)
                self.connection.close()
            return
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None

    def held_elsewhere(self) -> bool:
        """Whether some live process holds the lock (checked from a process that does not hold it)."""
        if self.acquire():
            self.release()
            return False
        return True


class PartLock:
    """Held by the process doing one part of a run split per Kanwil, for as long as it works on it.
    PostgreSQL frees it when that process or its connection dies, so a pending part whose lock is free
    has nobody working on it, and the run's executor does it itself.

    On SQLite parts are never handed to other processes (the executor does each in turn), so the lock
    is always granted there.
    """

    def __init__(self, part_id: int, connection: BaseDatabaseWrapper | None = None):
        self.part_id = part_id
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self._held = False

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another live process holds it."""
        if self.connection.vendor != "postgresql":
            return True
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_PART_LOCK_CLASS, self.part_id])
            self._held = bool(cursor.fetchone()[0])
        return self._held

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_PART_LOCK_CLASS, self.part_id])
        except Exception:  # a broken connection has already released it
            log.warning("Could not release a consolidation part lock; the connection is gone.", exc_info=True)
            self.connection.close()


# --- progress that other sessions can see ----------------------------------------------------------
class ProgressWriter:
    """Writes a run's step and percentage so that pages see them while the run's own transaction —
    which holds every change to the register until it commits — is still open.

    PostgreSQL: through a second connection in autocommit, skipping (never waiting for) a row lock, so
    progress can never block or deadlock the run. SQLite allows one writer at a time, so there progress
    goes through the run's own connection and shows when the run commits; embedded runs are small.
    """

    def __init__(self, run_table: str, run_id: int, connection: BaseDatabaseWrapper | None = None):
        self.run_table = run_table
        self.run_id = run_id
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self._side: BaseDatabaseWrapper | None = None
        self._side_failed = False
        # Wall time per step (a step lasts until the next one is written): where a slow run spends it.
        self.step_seconds: dict[str, float] = {}
        self._step: str | None = None
        self._step_started = 0.0

    def _side_connection(self) -> BaseDatabaseWrapper | None:
        if self.connection.vendor != "postgresql" or self._side_failed:
            return None
        if self._side is None:
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('search_path')")
                    search_path = cursor.fetchone()[0]
                side = type(self.connection)(dict(self.connection.settings_dict), self.connection.alias)
                side.ensure_connection()
                side.set_autocommit(True)
                with side.cursor() as cursor:
                    cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])
                    cursor.execute("SET lock_timeout = '2s'")
                self._side = side
            except Exception:
                # Progress is a courtesy to the page; the run goes on without it.
                log.warning("No side connection for consolidation progress.", exc_info=True)
                self._side_failed = True
                return None
        return self._side

    def _lap(self, step: str | None) -> None:
        now = time.perf_counter()
        if self._step is not None:
            self.step_seconds[self._step] = self.step_seconds.get(self._step, 0.0) + now - self._step_started
        self._step, self._step_started = step, now

    def write(self, step: str, progress: int) -> None:
        if step != self._step:
            self._lap(step)
        side = self._side_connection()
        table = self.run_table
        if side is None:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET step = %s, progress = %s WHERE id = %s", [step, progress, self.run_id]
                )
            return
        try:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET step = %s, progress = %s "
                    f"WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [step, progress, self.run_id],
                )
        except Exception:
            log.warning("Could not record consolidation progress.", exc_info=True)

    def close(self) -> None:
        """Ends the last step (it includes the run's commit) and logs the time of each step."""
        self._lap(None)
        if self.step_seconds:
            log.info(
                "Consolidation run %s steps: %s",
                self.run_id,
                ", ".join(f"{step} {seconds:.2f} s" for step, seconds in self.step_seconds.items()),
                extra={"run_id": self.run_id, "step_seconds": dict(self.step_seconds)},
            )
        if self._side is not None:
            self._side.close()
            self._side = None
