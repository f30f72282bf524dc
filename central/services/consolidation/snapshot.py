"""The daily occupancy snapshot (docs/REPORTS.md): each UPT's figures over the register's held people on the
run's WIB day, and their breakdown by register × sex × crime category.

A daily run changes a few thousand of 300,000 register rows, so the snapshot is **carried forward** from the
last one a run wrote (its *base*, ``SnapshotBase``) rather than counted again over the whole register:

    today = base day's figures
          + Σ sign × figure(row, base day)   over RegisterChange: every register row as it was (−1) and
                                             became (+1) since, logged by a trigger whoever wrote it
          + Σ figure(row, today) − figure(row, base day)   over the held rows whose birth date, detention
                                             limit or expiry date was crossed in between (indexed ranges)

which is, figure by figure and UPT by UPT, the full count over the register (tests compare the two). The
full count is taken instead when there is no base to carry (first run, days written by a seeder), when a
snapshot is dated after the base, when the figures' definitions changed since the base was written (their
SQL's hash: a new region list, a changed rule), or with CONSOLIDATION_SNAPSHOT_CARRY off.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from central.models import (
    NationalPerson,
    OccupancyBreakdown,
    OccupancySnapshot,
    RegisterChange,
    SnapshotBase,
    Upt,
)
from central.reference import CHILD_AGE_YEARS, DETAINEE_REGISTERS, HELD_STATUSES, INDONESIAN_SPELLINGS
from central.validation import detention_overdue_sql, expiry_passed_sql, nik_plausible_sql, sql_list

_HELD = sql_list(HELD_STATUSES)
_DETAINEE = sql_list(DETAINEE_REGISTERS)
_INDONESIAN = sql_list(INDONESIAN_SPELLINGS)

# The figures: column → the condition a held row meets to count in it, on the day %(day)s.
_FIGURES: dict[str, str] = {
    "detainees": f"a.register IN {_DETAINEE}",
    "sentenced": f"a.register NOT IN {_DETAINEE}",
    "male": "a.sex = 'L'",
    "female": "a.sex = 'P'",
    # Younger than CHILD_AGE_YEARS on the snapshot's day (no birth date: not counted as a child).
    "children": f"a.birth_date > CAST(%(day)s AS date) - INTERVAL '{CHILD_AGE_YEARS} years'",
    "foreign_nationals": f"LOWER(BTRIM(a.nationality)) NOT IN {_INDONESIAN}",
    # The scorecard's register parts: NIK present, NIK plausible, narapidana without a court extract.
    "with_nik": "BTRIM(a.nik) <> ''",
    "nik_plausible": nik_plausible_sql("a"),
    "sentenced_without_extract": f"a.register NOT IN {_DETAINEE} AND BTRIM(a.verdict_number) = ''",
    # The overstay sentinel: held past the legal limit or the expiry date (the rules' own definitions).
    "overstay_detainees": detention_overdue_sql("a").replace("%(today)s", "%(day)s"),
    "overstay_sentenced": expiry_passed_sql("a").replace("%(today)s", "%(day)s"),
}
# Those that change with the day alone, and the indexed dates whose crossing changes them.
_TIMED = ("children", "overstay_detainees", "overstay_sentenced")
_CROSSED = (
    f"SELECT id FROM {{person}} WHERE birth_date > CAST(%(base)s AS date) - INTERVAL '{CHILD_AGE_YEARS} years' "
    f"AND birth_date <= CAST(%(today)s AS date) - INTERVAL '{CHILD_AGE_YEARS} years' "
    "UNION SELECT id FROM {person} WHERE detention_limit_date >= %(base)s AND detention_limit_date < %(today)s "
    "UNION SELECT id FROM {person} WHERE expiry_date >= %(base)s AND expiry_date < %(today)s"
)
DEFINITION = hashlib.sha256(
    repr((sorted(_FIGURES.items()), _HELD, _CROSSED, "breakdown: register, sex, crime_category")).encode()
).hexdigest()


def _held_sum(column: str, day: str, weight: str = "1") -> str:
    condition = _FIGURES[column].replace("%(day)s", f"%({day})s")
    return f"SUM(CASE WHEN a.status IN {_HELD} AND {condition} THEN {weight} ELSE 0 END)"


def _execute(statement: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(int(cursor.rowcount), 0)


def _carry_base(today: date) -> date | None:
    """The day to carry forward from, or None when the snapshot must be counted in full."""
    if not settings.CONSOLIDATION_SNAPSHOT_CARRY:
        return None
    base = SnapshotBase.objects.order_by("-pk").first()
    if base is None or base.run_id is None or base.definition != DEFINITION or base.date > today:
        return None
    snapshots = OccupancySnapshot.objects
    if snapshots.filter(date__gt=base.date).exists():
        return None
    # The base day's rows are still the base run's, all of them (a seeder, a history load or a test that
    # moved the day did not rewrite them).
    on_base = snapshots.filter(date=base.date).aggregate(
        rows=Count("pk"), theirs=Count("pk", filter=Q(run_id=base.run_id))
    )
    if not (on_base["rows"] == on_base["theirs"] == base.rows):
        return None
    return base.date


def _carry_breakdown(base: date, today: date, params: dict[str, Any]) -> None:
    """The base day's cells (copied to a new day; a rerun the same day keeps them where they are) changed
    by the logged register changes in place: only the cells that changed are written."""
    breakdown = OccupancyBreakdown._meta.db_table
    cell = "upt_id, register, sex, crime_category"
    same = " AND ".join(f"b.{c} = d.{c}" for c in ("upt_id", "register", "sex", "crime_category"))
    if base < today:
        _execute(f"DELETE FROM {breakdown} WHERE date = %(today)s", params)
        _execute(
            f"INSERT INTO {breakdown} (date, {cell}, count) SELECT %(today)s, {cell}, count FROM {breakdown} "
            f"WHERE date = %(base)s",
            params,
        )
    _execute("DROP TABLE IF EXISTS pg_temp.sdp_snap_cells", params)
    _execute(
        f"CREATE TEMPORARY TABLE sdp_snap_cells ON COMMIT DROP AS SELECT {cell}, SUM(sign) AS n "
        f"FROM sdp_snap_change WHERE status IN {_HELD} GROUP BY {cell} HAVING SUM(sign) <> 0",
        params,
    )
    _execute(
        f"UPDATE {breakdown} b SET count = GREATEST(b.count + d.n, 0) FROM sdp_snap_cells d "
        f"WHERE b.date = %(today)s AND {same}",
        params,
    )
    _execute(
        f"INSERT INTO {breakdown} (date, {cell}, count) SELECT %(today)s, {cell}, n FROM sdp_snap_cells d "
        f"WHERE d.n > 0 AND NOT EXISTS (SELECT 1 FROM {breakdown} b WHERE b.date = %(today)s AND {same})",
        params,
    )
    _execute(
        f"DELETE FROM {breakdown} b USING sdp_snap_cells d WHERE b.date = %(today)s AND {same} AND b.count = 0",
        params,
    )


def snapshot_record(*, run_id: int, today: date) -> bool:
    """Write ``today``'s snapshot and breakdown for every UPT (a rerun replaces the day) and make it the next
    run's base. Inside the run's transaction. Returns whether it was carried forward (False: counted)."""
    snap, breakdown = OccupancySnapshot._meta.db_table, OccupancyBreakdown._meta.db_table
    person, upt, change = NationalPerson._meta.db_table, Upt._meta.db_table, RegisterChange._meta.db_table
    columns = list(_FIGURES)
    base = _carry_base(today)
    params: dict[str, Any] = {"today": today, "base": base, "run": run_id}
    _execute("DROP TABLE IF EXISTS pg_temp.sdp_snap", params)
    _execute(
        "CREATE TEMPORARY TABLE sdp_snap (upt_id bigint, capacity integer, "
        + ", ".join(f"{c} integer" for c in columns)
        + ") ON COMMIT DROP",
        params,
    )

    if base is None:
        _execute(
            f"INSERT INTO sdp_snap (upt_id, capacity, {', '.join(columns)}) "
            f"SELECT u.id, u.capacity, {', '.join(_held_sum(c, 'today') for c in columns)} "
            f"FROM {upt} u LEFT JOIN {person} a ON a.upt_id = u.id AND a.status IN {_HELD} "
            f"GROUP BY u.id, u.capacity, u.is_active HAVING u.is_active OR COUNT(a.id) > 0",
            params,
        )
        _execute(f"DELETE FROM {breakdown} WHERE date = %(today)s", params)
        _execute(
            f"INSERT INTO {breakdown} (date, upt_id, register, sex, crime_category, count) "
            f"SELECT %(today)s, a.upt_id, a.register, a.sex, a.crime_category, COUNT(*) FROM {person} a "
            f"WHERE a.status IN {_HELD} GROUP BY a.upt_id, a.register, a.sex, a.crime_category",
            params,
        )
        # Counted from the register as it is now: what was logged before is in the count.
        _execute(f"DELETE FROM {change}", params)
    else:
        _execute("DROP TABLE IF EXISTS pg_temp.sdp_snap_change", params)
        _execute(
            f"CREATE TEMPORARY TABLE sdp_snap_change ON COMMIT DROP AS SELECT * FROM {change} WITH NO DATA",
            params,
        )
        # Taken and emptied in one statement: a change logged after it waits for the next snapshot.
        _execute(
            f"WITH taken AS (DELETE FROM {change} RETURNING *) INSERT INTO sdp_snap_change SELECT * FROM taken",
            params,
        )
        parts = [
            f"SELECT upt_id, {', '.join(columns)} FROM {snap} WHERE date = %(base)s",
            f"SELECT a.upt_id, {', '.join(_held_sum(c, 'base', 'a.sign') for c in columns)} "
            f"FROM sdp_snap_change a GROUP BY a.upt_id",
        ]
        if base < today:
            timed = ", ".join(
                f"{_held_sum(c, 'today')} - {_held_sum(c, 'base')}" if c in _TIMED else "0" for c in columns
            )
            parts.append(
                f"SELECT a.upt_id, {timed} FROM {person} a "
                f"WHERE a.id IN ({_CROSSED.format(person=person)}) GROUP BY a.upt_id"
            )
        sums = ", ".join(f"COALESCE(SUM(d.{c}), 0)" for c in columns)
        _execute(
            f"INSERT INTO sdp_snap (upt_id, capacity, {', '.join(columns)}) "
            f"SELECT u.id, u.capacity, {sums} FROM {upt} u "
            f"LEFT JOIN ({' UNION ALL '.join(parts)}) d ON d.upt_id = u.id "
            f"GROUP BY u.id, u.capacity, u.is_active "
            f"HAVING u.is_active OR COALESCE(SUM(d.detainees + d.sentenced), 0) > 0",
            params,
        )
        _carry_breakdown(base, today, params)

    _execute(f"DELETE FROM {snap} WHERE date = %(today)s", params)
    written = _execute(
        f"INSERT INTO {snap} (date, upt_id, capacity, {', '.join(columns)}, run_id) "
        f"SELECT %(today)s, upt_id, capacity, {', '.join(columns)}, %(run)s FROM sdp_snap",
        params,
    )
    SnapshotBase.objects.all().delete()
    SnapshotBase.objects.create(date=today, run_id=run_id, definition=DEFINITION, rows=written)
    return base is not None
