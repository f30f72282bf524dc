"""Staging size over simulated weeks of daily national packages (``manage.py bench_staging``).

Over the dataset of ``seed_national``, every simulated day: a day passes for the units' registers (as in
``bench``'s daily scenario), every UPT's operators change ≈1 % of its people and ≈0.5 % of its movements
and remissions, every UPT sends the package its builder plans — a delta, or a full snapshot every
``full_every`` days (a unit asked for one after drift, or the weekly full some deployments choose; the
heavy case for staging) — through the real builder and receiving service, and a real consolidation run
takes them. Then every consolidated package is aged by a day, the nightly purge runs (``--purge``) with
the given window, staging's tables are vacuumed as autovacuum would, and the size of the four staged
tables (``pg_total_relation_size``: heap, indexes, TOAST) is recorded.

Without the purge, staging grows by every package for ever; with it, it holds the window's packages (and
the rows with row issues) and its size levels off once the window is full.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from central.models import Submission
from central.services.retention import STAGED_TABLES, staging_purge
from devtools.national.bench import NationalBench, _sql


@dataclass
class Day:
    day: int
    kind: str
    rows_sent: int
    run_seconds: float
    purged_rows: int
    purge_seconds: float
    staged_rows: int
    staged_bytes: int


def staged_size() -> tuple[int, int]:
    """(rows, bytes) of the staged tables; rows from the planner's count after VACUUM ANALYZE."""
    tables = [m._meta.db_table for m, _rt in STAGED_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0), coalesce(sum(greatest(c.reltuples, 0)), 0) "
            "FROM pg_class c WHERE c.oid = ANY(%s::regclass[])",
            [tables],
        )
        size, rows = cursor.fetchone()
    return int(rows), int(size)


def _vacuum_staging() -> None:
    with connection.cursor() as cursor:
        for model, _rt in STAGED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def staging_bench(
    *,
    days: int,
    purge: bool,
    retention_days: int,
    full_every: int,
    batch_size: int | None,
    say: Callable[[str], None],
    kanwil: str | None = None,
) -> list[Day]:
    bench = NationalBench(runs=1, say=say, kanwil=kanwil)
    bench.ensure_register()
    _vacuum_staging()
    rows, size = staged_size()
    out = [Day(0, "awal", 0, 0.0, 0, 0.0, rows, size)]
    say(f"hari 0: staging {size / 2**20:,.1f} MiB ({rows:,} baris)")
    for day in range(1, days + 1):
        full = full_every > 0 and day % full_every == 0
        bench.change(0.01, 0.005)
        _send_seconds, sent = bench.send_all(full=full)
        bench._vacuum()
        run_seconds = bench.consolidate()["seconds"]
        # A day passes for central too: every consolidated package is a day older.
        _sql(
            f"UPDATE {Submission._meta.db_table} SET consolidated_at = consolidated_at - interval '1 day' "
            "WHERE consolidated_at IS NOT NULL"
        )
        purged, purge_seconds = 0, 0.0
        if purge:
            started = time.perf_counter()
            result = staging_purge(retention_days=retention_days, batch_size=batch_size)
            purge_seconds = time.perf_counter() - started
            purged = result.total
        _vacuum_staging()
        rows, size = staged_size()
        out.append(Day(day, "lengkap" if full else "delta", sent, run_seconds, purged, purge_seconds, rows, size))
        say(
            f"hari {day}: {'lengkap' if full else 'delta'} {sent:,} baris, konsolidasi {run_seconds:.1f} s"
            + (f", dibersihkan {purged:,} baris dalam {purge_seconds:.1f} s" if purge else "")
            + f"; staging {size / 2**20:,.1f} MiB ({rows:,} baris)"
        )
    return out
