"""A run's progress, visible to other sessions while the run's own transaction is still open."""

from __future__ import annotations

import logging
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)


class ProgressWriter:
    """Writes a run's step and percentage so that pages see them while the run's own transaction —
    which holds every change to the register until it commits — is still open: through a second
    connection in autocommit, skipping (never waiting for) a row lock, so progress can never block or
    deadlock the run. Without that connection progress goes through the run's own and shows at commit."""

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
        if self._side_failed:
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
