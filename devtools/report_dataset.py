"""A synthetic report history at national scale, for benchmarks and the demo.

``report_dataset_generate`` creates UPTs across the 33 Kanwil (or takes the ones it is given) and writes,
for every UPT and day, what the reports read: daily occupancy snapshots (with a plausible trend and the
DESIGN §1 crowding — Riau around 245 %), the register × sex × crime breakdown for the last days, the
packages received (mostly before 10:00 WIB, some late, some missing — a few UPTs chronically), one
consolidation run a day with per-UPT results, the rejected rows' issues of the last days, and some open
conflicts. Rows are generated in Python from one seeded random generator (deterministic for a seed) and
written with PostgreSQL ``COPY``.

Generated UPTs carry a code prefix; generating again with the same prefix first removes everything it
created before, so the command can be rerun.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from central.models import (
    Conflict,
    ConsolidationRun,
    Kanwil,
    OccupancyBreakdown,
    OccupancySnapshot,
    PersonIdentity,
    RowIssue,
    RunUptResult,
    Submission,
    Upt,
    UptType,
    ValidationRule,
)
from central.reference import DETAINEE_REGISTERS, CrimeCategory, Register, Sex
from central.validation import validation_rules_sync
from devtools.national import facts

WIB = ZoneInfo("Asia/Jakarta")
SYNTHETIC_STEP = "data sintetis"  # marks generated runs so that a rerun can remove them
NATIONAL_UPTS = facts.NATIONAL_UPTS

# (type, code letter, share of UPTs, mean capacity, detainee share, female share)
UPT_KINDS = [
    (UptType.LAPAS, "L", 0.55, 360, 0.16, 0.02),
    (UptType.RUTAN, "R", 0.30, 240, 0.62, 0.05),
    (UptType.CABANG_RUTAN, "C", 0.06, 70, 0.55, 0.04),
    (UptType.LPKA, "A", 0.05, 70, 0.30, 0.03),
    (UptType.LPP, "P", 0.04, 200, 0.20, 1.0),
]
TYPE_NAME = {UptType.LAPAS: "Lapas", UptType.RUTAN: "Rutan", UptType.CABANG_RUTAN: "Cabang Rutan",
             UptType.LPKA: "LPKA", UptType.LPP: "LPP"}  # fmt: skip

DETAINEE_SHARES = {Register.A_I: 0.10, Register.A_II: 0.25, Register.A_III: 0.45, Register.A_IV: 0.12,
                   Register.A_V: 0.08}  # fmt: skip
SENTENCED_SHARES = {Register.B_I: 0.855, Register.B_IIA: 0.085, Register.B_IIB: 0.025, Register.B_III: 0.02,
                    Register.SEUMUR_HIDUP: 0.0115, Register.PIDANA_MATI: 0.0035}  # fmt: skip
CRIME_SHARES = {CrimeCategory.NARKOTIKA_BANDAR: 0.30, CrimeCategory.NARKOTIKA_PENGGUNA: 0.22,
                CrimeCategory.KORUPSI: 0.02, CrimeCategory.TERORISME: 0.003, CrimeCategory.TPPO: 0.006,
                CrimeCategory.ILLEGAL_LOGGING: 0.004, CrimeCategory.PENCUCIAN_UANG: 0.002,
                CrimeCategory.PIDANA_UMUM: 0.445}  # fmt: skip


@dataclass
class ReportDatasetSummary:
    upts: int
    days: int
    snapshots: int
    breakdowns: int
    submissions: int
    runs: int
    results: int
    issues: int
    conflicts: int
    seconds: float


def _apportion(total: int, shares: Sequence[tuple[object, float]]) -> list[tuple[object, int]]:
    """Split ``total`` by ``shares`` into whole numbers that add up exactly (largest remainder)."""
    weight = sum(s for _k, s in shares) or 1.0
    raw = [(key, total * share / weight) for key, share in shares]
    counts = [[key, int(value), value - int(value)] for key, value in raw]
    left = total - sum(c[1] for c in counts)
    for item in sorted(counts, key=lambda c: -c[2])[:left]:
        item[1] += 1
    return [(key, n) for key, n, _rest in counts]


def _copy(model, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write rows in bulk with COPY.

    Columns the generator does not set get the model field's default, so that a field added to a model
    later (with a default, as every added field needs) does not break the generator.
    """
    given = set(columns)
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.column not in given and not f.primary_key and (f.has_default() or f.null)
    ]
    defaults = [f.get_db_prep_save(f.get_default(), connection) if f.has_default() else None for f in extra]
    columns = [*columns, *(f.column for f in extra)]
    table = model._meta.db_table
    rows = ([*row, *defaults] for row in rows)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor underneath Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def _reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))",
                [table],
            )


def report_dataset_remove(*, prefix: str) -> int:
    """Remove a previously generated dataset (UPTs with this code prefix and everything under them)."""
    upts = Upt.objects.filter(code__startswith=prefix)
    n = upts.count()
    RowIssue.objects.filter(submission__upt__in=upts).delete()
    Conflict.objects.filter(upt__in=upts).delete()
    RunUptResult.objects.filter(upt__in=upts).delete()
    OccupancyBreakdown.objects.filter(upt__in=upts).delete()
    OccupancySnapshot.objects.filter(upt__in=upts).delete()
    Submission.objects.filter(upt__in=upts).delete()
    ConsolidationRun.objects.filter(step=SYNTHETIC_STEP, upt_results__isnull=True, conflicts__isnull=True).delete()
    PersonIdentity.objects.filter(full_name__startswith=f"[{prefix}]").delete()
    upts.delete()
    return n


def _make_upts(rng: random.Random, *, count: int, prefix: str) -> list[Upt]:
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(rng.randrange(1 << 30))
    kanwils = {k.code: k for k in Kanwil.objects.all()}
    weights = [(code, n) for code, (n, _over) in facts.KANWIL_PROFILE.items() if code in kanwils]
    per_kanwil = _apportion(count, weights)
    upts = []
    for code, n in per_kanwil:
        for i in range(n):
            kind = rng.choices(UPT_KINDS, weights=[k[2] for k in UPT_KINDS])[0]
            upt_type, letter, _share, mean_capacity, _det, _fem = kind
            capacity = max(20, int(rng.gauss(mean_capacity, mean_capacity * 0.35)))
            upt_class = rng.choice(["I", "IIA", "IIA", "IIB", "IIB", "III"]) if upt_type != UptType.CABANG_RUTAN else ""
            city = fake.city()
            name = f"{TYPE_NAME[upt_type]}{f' Kelas {upt_class}' if upt_class else ''} {city}"
            upts.append(
                Upt(
                    code=f"{prefix}{code}{letter}{i + 1:03d}",
                    name=name,
                    upt_type=upt_type,
                    upt_class=upt_class,
                    kanwil=kanwils[code],
                    city=city,
                    capacity=capacity,
                )
            )
    return Upt.objects.bulk_create(upts)


@transaction.atomic
def report_dataset_generate(
    *,
    upts: Sequence[Upt] | None = None,
    upt_count: int = NATIONAL_UPTS,
    days: int = 730,
    end: dt.date | None = None,
    breakdown_days: int = 31,
    issue_days: int = 31,
    seed: int = 1,
    prefix: str = "SN",
    runs: bool = True,
    occupants: dict[int, int] | None = None,
    mix: dict[int, dict[tuple[str, str, str], int]] | None = None,
    conflicts: bool = True,
    leave_pending: bool = True,
) -> ReportDatasetSummary:
    """Generate ``days`` days of report history ending on ``end`` (default: yesterday, WIB).

    Without ``upts`` it creates ``upt_count`` UPTs coded ``<prefix><kanwil><type><n>`` (removing an
    earlier dataset with the same prefix first); with ``upts`` it writes history for those instead.
    ``occupants`` (UPT id → people held) makes a UPT's history end near what it really holds. ``mix`` (UPT
    id → people held per (register, sex, crime category)) makes it end exactly there: every day keeps that
    mix, the wobble fades over the last week, and the last day's snapshot and breakdown are the mix itself —
    what a consolidation of that register writes. ``conflicts=False`` writes no made-up conflicts;
    ``leave_pending=False`` has every package of the last day received before its run, so none waits for a
    run that the history does not have.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    end = end or (dt.datetime.now(WIB).date() - dt.timedelta(days=1))
    first_day = end - dt.timedelta(days=days - 1)
    if upts is None:
        report_dataset_remove(prefix=prefix)
        upts = _make_upts(rng, count=upt_count, prefix=prefix)
    upts = list(Upt.objects.filter(pk__in=[u.pk for u in upts]).select_related("kanwil").order_by("pk"))
    kinds = {k[0]: k for k in UPT_KINDS}
    sender, _created = get_user_model().objects.get_or_create(
        username="sistem.sintetis", defaults={"first_name": "Data", "last_name": "Sintetis", "is_active": False}
    )
    # Issues cite the real catalogue's rules (written by every run; written here for a database without runs).
    validation_rules_sync()
    rules = list(ValidationRule.objects.filter(is_active=True).values_list("code", "severity", "record_type"))

    # One run a day at the consolidation time; a package received after it waits for the next day's run.
    run_ids: dict[dt.date, int] = {}
    run_rows = []
    if runs:
        next_run = _next_id(ConsolidationRun)
        for i in range(days):
            day = first_day + dt.timedelta(days=i)
            created = dt.datetime.combine(day, dt.time(15, 0), tzinfo=WIB)
            run_ids[day] = next_run
            run_rows.append([next_run, day, created])
            next_run += 1

    # Per-UPT profile: how crowded, how it trends, how reliably it sends.
    profiles = {}
    for upt in upts:
        kind = kinds.get(upt.upt_type, UPT_KINDS[0])
        # occupants ÷ capacity from the region's overcrowding percent (devtools/national/facts.py)
        crowd = 1 + facts.KANWIL_PROFILE.get(upt.kanwil.code, (0, 70))[1] / 100
        reliability = rng.random()
        profiles[upt.pk] = {
            "base": (occupants or {}).get(upt.pk) or upt.capacity * crowd * rng.uniform(0.75, 1.25),
            "growth": rng.uniform(-0.02, 0.09),  # per year
            "detainee_share": min(0.95, max(0.02, rng.gauss(kind[4], 0.06))),
            "female_share": kind[5] if kind[5] >= 1 else min(0.3, max(0.0, rng.gauss(kind[5], 0.01))),
            # most UPTs send nearly every day on time; some are sloppy; a few are chronically silent
            "p_miss": 0.005 if reliability < 0.85 else (0.06 if reliability < 0.97 else 0.30),
            "p_late": 0.02 if reliability < 0.85 else 0.15,
        }

    snapshots: list[list[object]] = []
    breakdowns: list[list[object]] = []
    submissions: list[list[object]] = []
    results: dict[tuple[int, int], list[int]] = {}
    issues: list[list[object]] = []
    breakdown_from = end - dt.timedelta(days=breakdown_days - 1)
    issue_from = end - dt.timedelta(days=issue_days - 1)
    next_submission = _next_id(Submission)
    next_issue = _next_id(RowIssue)
    detainee_regs = [(r, s) for r, s in DETAINEE_SHARES.items()]
    sentenced_regs = [(r, s) for r, s in SENTENCED_SHARES.items()]
    crimes = list(CRIME_SHARES.items())
    staged_row = 0

    for upt in upts:
        p = profiles[upt.pk]
        cells_held = sorted((mix or {}).get(upt.pk, {}).items())
        if cells_held:
            p["base"] = sum(n for _cell, n in cells_held)
        wobble = 0.0
        missed_yesterday = False
        for i in range(days):
            day = first_day + dt.timedelta(days=i)
            years_to_end = (end - day).days / 365.0
            wobble = max(-0.08, min(0.08, wobble + rng.gauss(0, 0.004)))
            if cells_held:
                # Grows into the register's level: no wobble left on the last day, so no jump into today.
                taper = min(1.0, (end - day).days / 7)
                growth = max(0.0, p["growth"])
                total = max(0, round(p["base"] * (1 - growth * years_to_end) * (1 + wobble * taper)))
                cells = [(cell, n) for cell, n in _apportion(total, cells_held) if n]
                detainees = sum(n for (register, _s, _c), n in cells if register in DETAINEE_REGISTERS)
                sentenced = total - detainees
                female = sum(n for (_r, sex, _c), n in cells if sex == Sex.FEMALE)
                if day >= breakdown_from:
                    breakdowns += [[day, upt.pk, register, sex, crime, n] for (register, sex, crime), n in cells]
            else:
                total = max(0, round(p["base"] * (1 - p["growth"] * years_to_end) * (1 + wobble)))
                detainees = round(total * p["detainee_share"])
                sentenced = total - detainees
                female = round(total * p["female_share"])
            if day >= breakdown_from and not cells_held:
                # The breakdown decides the sexes so that the snapshot and its breakdown always agree.
                female = 0
                for group_total, regs in ((detainees, detainee_regs), (sentenced, sentenced_regs)):
                    group_female = round(group_total * p["female_share"])
                    for sex, n in ((Sex.MALE, group_total - group_female), (Sex.FEMALE, group_female)):
                        cells = [((r, c), rs * cs) for r, rs in regs for c, cs in crimes]
                        for (register, crime), count in _apportion(n, cells):
                            if count:
                                breakdowns.append([day, upt.pk, register, sex, crime, count])
                                if sex == Sex.FEMALE:
                                    female += count
            snapshots.append([day, upt.pk, upt.capacity, detainees, sentenced, total - female, female])

            # Packages for the day.
            p_miss = 0.7 if missed_yesterday and p["p_miss"] >= 0.3 else p["p_miss"]
            if rng.random() < p_miss:
                missed_yesterday = True
                continue
            missed_yesterday = False
            late = rng.random() < p["p_late"]
            times = [rng.uniform(10.0, 16.5) if late else rng.uniform(6.5, 9.98)]
            if rng.random() < 0.2:
                times.append(rng.uniform(max(times[0], 10.0), 13.9))
            if not leave_pending and day == end:
                times = [min(h, 14.9) for h in times]  # before the last run: nothing waits for a run to come
            for hours in times:
                received = dt.datetime.combine(day, dt.time(0), tzinfo=WIB) + dt.timedelta(hours=hours)
                run_day = day if hours < 15.0 else day + dt.timedelta(days=1)
                run_id = run_ids.get(run_day)
                rows = max(1, int(total * (1.0 if len(times) == 1 else 0.05)))
                roll = rng.random()
                rejected = 0 if roll < 0.9 else (rng.randint(1, max(1, rows // 20)) if roll < 0.98 else rows)
                warned = rng.randint(0, 3) if roll < 0.95 else rng.randint(3, 20)
                state = "accepted" if rejected == 0 else ("rejected" if rejected == rows else "partial")
                if run_id is None:
                    state, rejected, warned = "received", 0, 0
                digest = hashlib.sha256(f"{seed}:{upt.pk}:{received.isoformat()}".encode()).hexdigest()
                submissions.append(
                    [
                        next_submission, uuid.UUID(digest[:32]), upt.pk, "full" if i == 0 else "delta", 1, "web",
                        received - dt.timedelta(minutes=3), received, day, sender.pk, digest, digest,
                        rows, 0, 0, 0, hours < 10.0, hours < 14.0, state, run_id,
                        received + dt.timedelta(hours=1) if run_id else None,
                        rows - rejected if run_id else 0, rejected, warned,
                    ]
                )  # fmt: skip
                if run_id is not None:
                    acc = results.setdefault((run_id, upt.pk), [0, 0, 0, 0, 0])
                    acc[0] += 1
                    acc[1] += rows
                    acc[2] += rows - rejected
                    acc[3] += rejected
                    acc[4] += warned
                    if day >= issue_from:
                        for severity_wanted, n in (("error", min(rejected, 25)), ("warning", min(warned, 10))):
                            candidates = [r for r in rules if r[1] == severity_wanted] or rules
                            for _k in range(n):
                                code, severity, record_type = rng.choice(candidates)
                                staged_row += 1
                                issues.append(
                                    [
                                        next_issue, run_id, next_submission, record_type, staged_row,
                                        f"B.I/{rng.randint(1, 9999):04d}/{day.year}", code, severity, "",
                                    ]
                                )  # fmt: skip
                                next_issue += 1
                next_submission += 1

    # Production tables fill in time order (a day's packages, then that day's run and snapshot); write
    # them that way too, so that the benchmark reads the same physical layout.
    submissions.sort(key=lambda row: row[7])
    first_submission = min((row[0] for row in submissions), default=0)
    renumber = {}
    for new_id, row in enumerate(submissions, start=first_submission):
        renumber[row[0]] = new_id
        row[0] = new_id
    first_issue = min((row[0] for row in issues), default=0)
    for row in issues:
        row[2] = renumber[row[2]]
    issues.sort(key=lambda row: (row[1], row[2]))
    for new_id, row in enumerate(issues, start=first_issue):
        row[0] = new_id
    snapshots.sort(key=lambda row: (row[0], row[1]))
    breakdowns.sort(key=lambda row: (row[0], row[1]))
    counts = {}
    if run_rows:
        per_run = {}
        for (run_id, _upt_id), acc in results.items():
            totals = per_run.setdefault(run_id, [0, 0, 0, 0, 0])
            for k in range(5):
                totals[k] += acc[k]
        counts["runs"] = _copy(
            ConsolidationRun,
            ["id", "trigger", "state", "step", "progress", "snapshot_date", "created_at", "started_at",
             "finished_at", "error", "submissions_count", "rows_received", "rows_accepted", "rows_rejected",
             "rows_warned", "rows_written", "conflicts_found"],
            (
                [run_id, "schedule", "succeeded", SYNTHETIC_STEP, 100, day, created, created,
                 created + dt.timedelta(minutes=4), "", *per_run.get(run_id, [0, 0, 0, 0, 0]),
                 per_run.get(run_id, [0, 0])[1] // 20, 0]
                for run_id, day, created in run_rows
            ),
        )  # fmt: skip
    counts["submissions"] = _copy(
        Submission,
        ["id", "package_id", "upt_id", "kind", "format_version", "channel", "generated_at", "received_at",
         "report_date", "sent_by_id", "content_hash", "state_checksum", "person_count", "movement_count",
         "remission_count", "deletion_count", "on_time_occupancy", "on_time_other", "state", "run_id",
         "consolidated_at", "rows_accepted", "rows_rejected", "rows_warned"],
        submissions,
    )  # fmt: skip
    counts["snapshots"] = _copy(
        OccupancySnapshot,
        ["date", "upt_id", "capacity", "detainees", "sentenced", "male", "female"],
        snapshots,
    )
    counts["breakdowns"] = _copy(
        OccupancyBreakdown,
        ["date", "upt_id", "register", "sex", "crime_category", "count"],
        breakdowns,
    )
    counts["results"] = _copy(
        RunUptResult,
        ["run_id", "upt_id", "submissions_count", "rows_received", "rows_accepted", "rows_rejected", "rows_warned",
         "conflicts"],
        ([run_id, upt_id, *acc, 0] for (run_id, upt_id), acc in sorted(results.items())),
    )  # fmt: skip
    counts["issues"] = _copy(
        RowIssue,
        ["id", "run_id", "submission_id", "record_type", "staged_row_id", "record_key", "rule_id", "severity",
         "detail_code"],
        issues,
    )  # fmt: skip

    # A few open conflicts, about one UPT in five, found by the last run.
    conflicts_made = 0
    if run_rows and conflicts:
        last_run = run_rows[-1][0]
        for upt in upts:
            if rng.random() < 0.2:
                identity = PersonIdentity.objects.create(
                    full_name=f"[{prefix}] WBP {upt.code}", nik=f"{rng.randrange(10**15, 10**16)}"
                )
                other = rng.choice(upts)
                Conflict.objects.create(
                    kind="active_twice",
                    identity=identity,
                    upt=upt,
                    other_upt=other if other.pk != upt.pk else None,
                    detected_run_id=last_run,
                )
                conflicts_made += 1
    _reset_sequences(ConsolidationRun, Submission, OccupancySnapshot, OccupancyBreakdown, RunUptResult, RowIssue)
    with connection.cursor() as cursor:
        for model in (
            Upt,
            Submission,
            OccupancySnapshot,
            OccupancyBreakdown,
            RunUptResult,
            RowIssue,
            ConsolidationRun,
            Conflict,
        ):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return ReportDatasetSummary(
        upts=len(upts),
        days=days,
        snapshots=counts["snapshots"],
        breakdowns=counts["breakdowns"],
        submissions=counts["submissions"],
        runs=counts.get("runs", 0),
        results=counts["results"],
        issues=counts["issues"],
        conflicts=conflicts_made,
        seconds=time.perf_counter() - started,
    )
