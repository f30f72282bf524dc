"""The run's daily checks, after its snapshot: reconciliation of each UPT's population with the movements
central received, and anomaly scores of its daily figures (docs/REPORTS.md, "Pemeriksaan harian").

Three set-based statements over the day's ~531 snapshot rows, the movements received since the previous
snapshot (index ``national_movement_received``) and each UPT's last ``window_days`` of history; a rerun on
the same day replaces the day's rows. Earlier days are never rewritten: a movement that arrives late is
counted on the day it arrives, so yesterday's break stays on record and today's row shows it made good.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection

from central.models import (
    AnomalyMetric,
    ConsolidationRun,
    DailyAnomaly,
    DailyCheckSettings,
    DailyReconciliation,
    FlowChange,
    NationalMovement,
    NationalPerson,
    OccupancySnapshot,
    ReconciliationState,
)
from central.models.consolidation import RunState
from central.reference import MovementKind

# Kinds that change the population (HELD_STATUSES: IN and TEMP_OUT are occupants) and their sign.
# A temporary exit and its return are counted for the reader but move no one out of the UPT's charge;
# a register change moves no one at all.
_FLOWS: list[tuple[str, str, int]] = [
    ("admissions", MovementKind.ADMISSION.value, 1),
    ("transfers_in", MovementKind.TRANSFER_IN.value, 1),
    ("recaptures", MovementKind.RECAPTURE.value, 1),
    ("releases", MovementKind.RELEASE.value, -1),
    ("transfers_out", MovementKind.TRANSFER_OUT.value, -1),
    ("deaths", MovementKind.DEATH.value, -1),
    ("escapes", MovementKind.ESCAPE.value, -1),
    ("temporary_exits", MovementKind.TEMPORARY_EXIT.value, 0),
    ("returns", MovementKind.RETURN.value, 0),
]
# 1.4826 × MAD estimates the standard deviation of normal data; a history that never moved (MAD 0) is
# scored against one person, and ``min_deviation`` keeps small moves from ever being flagged.
MAD_TO_SD = 1.4826
MIN_SCALE = 1.0


def _execute(statement: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(int(cursor.rowcount), 0)


def previous_snapshot_date(today: date) -> date | None:
    """The last day before ``today`` a run took the national snapshot (not necessarily yesterday)."""
    row = OccupancySnapshot.objects.filter(date__lt=today).order_by("-date").values_list("date", flat=True).first()
    return row


def _same_day_flows(run_id: int, today: date, previous: date | None) -> bool:
    """Whether the day's reconciliation rows can be kept and the movement changes logged since added to their
    flows: they were written today by the last run that succeeded (so the log holds every change since),
    against the same previous snapshot day."""
    last = (
        ConsolidationRun.objects.filter(state=RunState.SUCCEEDED)
        .exclude(pk=run_id)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE run_id = %(last)s), "
            "COUNT(*) FILTER (WHERE previous_date = CAST(%(previous)s AS date)), "
            "COUNT(*) FILTER (WHERE previous_date IS DISTINCT FROM CAST(%(previous)s AS date) "
            f"AND previous_date IS NOT NULL) FROM {DailyReconciliation._meta.db_table} WHERE date = %(today)s",
            {"last": last, "previous": previous, "today": today},
        )
        n, theirs, same, other = cursor.fetchone()
    if not n or n != theirs or other:
        return False
    # A previous day that has rows now must have had them for the earlier run too (a UPT new since has none).
    return previous is None or same > 0


def daily_checks_record(*, run_id: int, today: date) -> None:
    """Reconcile and score every UPT in ``today``'s snapshot. Called inside the run's transaction."""
    settings = DailyCheckSettings.load()
    snap = OccupancySnapshot._meta.db_table
    recon = DailyReconciliation._meta.db_table
    anomaly = DailyAnomaly._meta.db_table
    movement = NationalMovement._meta.db_table
    person = NationalPerson._meta.db_table
    params: dict[str, Any] = {
        "run": run_id,
        "today": today,
        "previous": previous_snapshot_date(today),
        "since": today - timedelta(days=settings.window_days),
        "min_history": settings.min_history_days,
        "threshold": float(settings.threshold),
        "min_deviation": settings.min_deviation,
        "mad_to_sd": MAD_TO_SD,
        "min_scale": MIN_SCALE,
    }
    counts = ", ".join(f"COUNT(*) FILTER (WHERE m.kind = '{kind}') AS {name}" for name, kind, _sign in _FLOWS)
    flow_columns = ", ".join(name for name, _kind, _sign in _FLOWS)
    received = (
        "{a}.received_on > COALESCE(CAST(%(previous)s AS date), DATE '-infinity') AND {a}.received_on <= %(today)s"
    )
    change = FlowChange._meta.db_table
    # Before the first snapshot ever: everything received so far (shown, not judged).
    flows = f"SELECT m.upt_id, {counts} FROM {movement} m WHERE {received.format(a='m')} GROUP BY m.upt_id"
    if _same_day_flows(run_id, today, params["previous"]):
        # A rerun the same day: the earlier run's flows plus the movements changed since (logged), rather
        # than every movement received since the previous snapshot again; a UPT without a row then is
        # counted from the movements.
        for name, select in (
            ("sdp_flow_before", f"SELECT upt_id, {flow_columns} FROM {recon} WHERE date = %(today)s"),
            ("sdp_flow_change", f"SELECT * FROM {change} WITH NO DATA"),
        ):
            _execute(f"DROP TABLE IF EXISTS pg_temp.{name}", params)
            _execute(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {select}", params)
        _execute(
            f"WITH taken AS (DELETE FROM {change} RETURNING *) INSERT INTO sdp_flow_change SELECT * FROM taken",
            params,
        )
        signed = ", ".join(f"SUM(c.sign) FILTER (WHERE c.kind = '{kind}') AS {name}" for name, kind, _sign in _FLOWS)
        sums = ", ".join(f"SUM({name}) AS {name}" for name, _kind, _sign in _FLOWS)
        flows = (
            f"SELECT upt_id, {sums} FROM (SELECT upt_id, {flow_columns} FROM sdp_flow_before "
            f"UNION ALL SELECT c.upt_id, {signed} FROM sdp_flow_change c WHERE {received.format(a='c')} "
            f"GROUP BY c.upt_id "
            f"UNION ALL SELECT m.upt_id, {counts} FROM {movement} m WHERE {received.format(a='m')} AND m.upt_id IN ("
            f"SELECT s.upt_id FROM {snap} s WHERE s.date = %(today)s AND NOT EXISTS ("
            f"SELECT 1 FROM sdp_flow_before b WHERE b.upt_id = s.upt_id)) GROUP BY m.upt_id) x GROUP BY upt_id"
        )
    else:
        _execute(f"DELETE FROM {change}", params)  # counted from the movements as they are now
    _execute(f"DELETE FROM {anomaly} WHERE date = %(today)s", params)
    _execute(f"DELETE FROM {recon} WHERE date = %(today)s", params)

    flow_values = ", ".join(f"COALESCE(f.{name}, 0)" for name, _kind, _sign in _FLOWS)
    net = " ".join(f"{'+' if sign > 0 else '-'} COALESCE(f.{name}, 0)" for name, _kind, sign in _FLOWS if sign)
    population = "(t.detainees + t.sentenced)"
    previous = "(p.detainees + p.sentenced)"
    expected = f"({previous} {net})"
    # No data: the register has never held anyone of the UPT (it has not sent a usable package yet) —
    # its 0 is not a count. First: nothing to compare with — no snapshot the previous day, or an empty
    # one while every record of the UPT was first written after it (its first package, however late).
    state = (
        f"CASE WHEN {population} = 0 AND NOT EXISTS (SELECT 1 FROM {person} n0 WHERE n0.upt_id = t.upt_id) "
        f"THEN '{ReconciliationState.NO_DATA.value}' "
        f"WHEN p.upt_id IS NULL OR ({previous} = 0 AND NOT EXISTS (SELECT 1 FROM {person} n1 "
        f"WHERE n1.upt_id = t.upt_id AND n1.first_run_id <= COALESCE(p.run_id, CAST(%(run)s AS bigint) - 1))) "
        f"THEN '{ReconciliationState.FIRST.value}' "
        f"WHEN {population} = {expected} THEN '{ReconciliationState.BALANCED.value}' "
        f"ELSE '{ReconciliationState.BREAK.value}' END"
    )
    _execute(
        f"INSERT INTO {recon} (date, upt_id, run_id, state, previous_date, previous_population, {flow_columns}, "
        f"population, expected, difference) "
        f"SELECT %(today)s, t.upt_id, %(run)s, x.state, p.date, {previous}, {flow_values}, {population}, "
        f"CASE WHEN x.state IN ('{ReconciliationState.BALANCED.value}', '{ReconciliationState.BREAK.value}') "
        f"THEN {expected} END, "
        f"CASE WHEN x.state IN ('{ReconciliationState.BALANCED.value}', '{ReconciliationState.BREAK.value}') "
        f"THEN {population} - {expected} END "
        f"FROM {snap} t LEFT JOIN {snap} p ON p.upt_id = t.upt_id AND p.date = %(previous)s "
        f"LEFT JOIN ({flows}) f ON f.upt_id = t.upt_id "
        f"CROSS JOIN LATERAL (SELECT {state} AS state) x "
        f"WHERE t.date = %(today)s",
        params,
    )

    # Each figure against the UPT's own last days. Population history: snapshot days with people (a 0 is
    # a UPT not yet sending, not a count); admissions and releases: reconciled days (their flows are a
    # day's, not a first package's whole history). Today is scored only where its row reconciles.
    judged = f"('{ReconciliationState.BALANCED.value}', '{ReconciliationState.BREAK.value}')"
    _execute(
        f"INSERT INTO {anomaly} (date, upt_id, run_id, metric, value, history_days, median, mad, score, flagged) "
        f"WITH today AS ("
        f"SELECT r.upt_id, '{AnomalyMetric.POPULATION.value}' AS metric, r.population AS v FROM {recon} r "
        f"WHERE r.date = %(today)s AND r.state IN {judged} "
        f"UNION ALL SELECT r.upt_id, '{AnomalyMetric.ADMISSIONS.value}', r.admissions FROM {recon} r "
        f"WHERE r.date = %(today)s AND r.state IN {judged} "
        f"UNION ALL SELECT r.upt_id, '{AnomalyMetric.RELEASES.value}', r.releases FROM {recon} r "
        f"WHERE r.date = %(today)s AND r.state IN {judged}), "
        f"history AS ("
        f"SELECT s.upt_id, '{AnomalyMetric.POPULATION.value}' AS metric, s.detainees + s.sentenced AS v "
        f"FROM {snap} s WHERE s.date >= %(since)s AND s.date < %(today)s AND s.detainees + s.sentenced > 0 "
        f"UNION ALL SELECT r.upt_id, '{AnomalyMetric.ADMISSIONS.value}', r.admissions FROM {recon} r "
        f"WHERE r.date >= %(since)s AND r.date < %(today)s AND r.state IN {judged} "
        f"UNION ALL SELECT r.upt_id, '{AnomalyMetric.RELEASES.value}', r.releases FROM {recon} r "
        f"WHERE r.date >= %(since)s AND r.date < %(today)s AND r.state IN {judged}), "
        f"med AS (SELECT upt_id, metric, COUNT(*) AS n, "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS m FROM history GROUP BY upt_id, metric), "
        f"mad AS (SELECT h.upt_id, h.metric, percentile_cont(0.5) WITHIN GROUP (ORDER BY ABS(h.v - med.m)) AS d "
        f"FROM history h JOIN med ON med.upt_id = h.upt_id AND med.metric = h.metric GROUP BY h.upt_id, h.metric), "
        f"scored AS (SELECT t.upt_id, t.metric, t.v, COALESCE(med.n, 0) AS n, med.m, mad.d, "
        f"CASE WHEN COALESCE(med.n, 0) >= %(min_history)s "
        f"THEN (t.v - med.m) / GREATEST(%(mad_to_sd)s * mad.d, %(min_scale)s) END AS z "
        f"FROM today t LEFT JOIN med ON med.upt_id = t.upt_id AND med.metric = t.metric "
        f"LEFT JOIN mad ON mad.upt_id = t.upt_id AND mad.metric = t.metric) "
        f"SELECT %(today)s, upt_id, %(run)s, metric, v, n, m, d, z, "
        f"COALESCE(ABS(z) >= %(threshold)s AND ABS(v - m) >= %(min_deviation)s, FALSE) FROM scored",
        params,
    )
