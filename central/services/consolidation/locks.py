"""PostgreSQL advisory locks that tell a live consolidation worker from a dead one.

The database releases a session-level advisory lock when the session that holds it ends, so a lock that
is free means nobody is working on what it guards — without ever asking the workers (DESIGN §6).
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

# First key of the two-key advisory locks taken by consolidation ("SDP" on a phone keypad), and of those
# held on one part of a run split per Kanwil (the second key is the part's id).
_ADVISORY_LOCK_CLASS = 737
_PART_LOCK_CLASS = 738


class RunnerLock:
    """Held by the process executing a run, from before it claims the run until after it has recorded
    the outcome, so a run in state *running* whose lock is free has lost its worker. Scoped to the
    current schema: the benchmark consolidates in a schema of its own."""

    def __init__(self, connection: BaseDatabaseWrapper | None = None):
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self._held = False

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process holds it."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))", [_ADVISORY_LOCK_CLASS])
            self._held = bool(cursor.fetchone()[0])
        return self._held

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", [_ADVISORY_LOCK_CLASS])
        except Exception:  # a broken connection has already released it
            log.warning("Could not release the consolidation lock; the connection is gone.", exc_info=True)
            self.connection.close()


class PartLock:
    """Held by the process doing one part of a run split per Kanwil, for as long as it works on it, so a
    pending part whose lock is free has nobody working on it, and the run's executor does it itself."""

    def __init__(self, part_id: int, connection: BaseDatabaseWrapper | None = None):
        self.part_id = part_id
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self._held = False

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another live process holds it."""
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
