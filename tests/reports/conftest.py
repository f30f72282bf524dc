"""A small fixed report history over the ``world`` fixture, with figures computed by hand.

Ten report days, 01-03-2026 … 10-03-2026 (all long closed). Region X (Jawa Tengah): UPT A (capacity
500) and UPT B (capacity 428); region Y (DKI): UPT C (capacity 1136).

Packages (WIB):
- A sends every day at 08.00, except 04-03 at 11.00 (late for 10.00, on time for 14.00) and 07-03 at
  15.00 (late for both): 10 days sent, late 2 × (10.00) and 1 × (14.00), nothing missed.
- B sends 01-03 and 02-03 at 08.00, misses 03-03 … 06-03, sends 07-03 at 10.30 (late for 10.00) and
  08-03 twice (09.00 and 12.00), misses 09-03 and 10-03: 4 days, 5 packages, 6 missed, longest streak 4,
  current streak 2, late 1 × (10.00).
- C sent last on 20-02 (before the range), nothing in it: 10 missed, longest 10, current streak 18.

Occupancy on 10-03: A 150 tahanan + 450 napi = 600 (+20.0 %, red); B 100 + 328 = 428 (0.0 %, yellow);
C 300 + 500 = 800 (−29.6 %, green). Region X: 1028 / 928 → +10.8 %. Snapshots on 08-03 and 09-03 too.

Runs: #1 on 09-03 15.00 (A: 600 accepted, 2 rejected, 1 warning; B: 100, 0, 0) and #2 on 10-03 15.00
(A: 600, 5, 3; C: 800, 1, 0). Run #2's issues: A 3 × NIK_FORMAT + 2 × DATE_ORDER errors and 1 warning;
C 1 × NIK_FORMAT. Open conflicts: A 1 (and 1 resolved), C 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from central.models import (
    Conflict,
    ConsolidationRun,
    OccupancyBreakdown,
    PersonIdentity,
    RowIssue,
    RunUptResult,
    ValidationRule,
)
from tests.factories import ConsolidationRunFactory, OccupancySnapshotFactory, SubmissionFactory

WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 3, 10)
START = dt.date(2026, 3, 1)
# A moment long after the dataset: every day in it is closed.
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=WIB)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def send(upt, day: dt.date, hour: int, minute: int = 0, **extra):
    """A package received at that WIB time, with timeliness as the receiving service computes it."""
    received = at(day, hour, minute)
    return SubmissionFactory(
        upt=upt,
        received_at=received,
        generated_at=received,
        report_date=day,
        on_time_occupancy=received.time() < dt.time(10, 0),
        on_time_other=received.time() < dt.time(14, 0),
        **extra,
    )


def make_run(day: dt.date, hour: int = 15) -> ConsolidationRun:
    run = ConsolidationRunFactory(snapshot_date=day)
    created = at(day, hour)
    ConsolidationRun.objects.filter(pk=run.pk).update(
        created_at=created, started_at=created, finished_at=created + dt.timedelta(minutes=3)
    )
    run.refresh_from_db()
    return run


def result(run, upt, accepted: int, rejected: int, warned: int, conflicts: int = 0) -> RunUptResult:
    return RunUptResult.objects.create(
        run=run,
        upt=upt,
        submissions_count=1,
        rows_received=accepted + rejected,
        rows_accepted=accepted,
        rows_rejected=rejected,
        rows_warned=warned,
        conflicts=conflicts,
    )


@dataclass
class ReportData:
    world: object
    run1: ConsolidationRun
    run2: ConsolidationRun
    submission_a: object
    submission_c: object


@pytest.fixture
def report_data(world) -> ReportData:
    a, b, c = world.upt_a, world.upt_b, world.upt_c
    for i in range(10):
        day = START + dt.timedelta(days=i)
        if day == dt.date(2026, 3, 4):
            send(a, day, 11)
        elif day == dt.date(2026, 3, 7):
            send(a, day, 15)
        else:
            send(a, day, 8)
    send(b, dt.date(2026, 3, 1), 8)
    send(b, dt.date(2026, 3, 2), 8)
    send(b, dt.date(2026, 3, 7), 10, 30)
    send(b, dt.date(2026, 3, 8), 9)
    send(b, dt.date(2026, 3, 8), 12)
    send(c, dt.date(2026, 2, 20), 8)

    for day, (a_det, a_sen), (b_det, b_sen) in (
        (dt.date(2026, 3, 8), (140, 440), (100, 300)),
        (dt.date(2026, 3, 9), (145, 445), (100, 320)),
        (DAY, (150, 450), (100, 328)),
    ):
        OccupancySnapshotFactory(upt=a, date=day, detainees=a_det, sentenced=a_sen, male=a_det + a_sen - 50, female=50)
        OccupancySnapshotFactory(upt=b, date=day, detainees=b_det, sentenced=b_sen, male=b_det + b_sen, female=0)
    OccupancySnapshotFactory(upt=c, date=DAY, detainees=300, sentenced=500, male=500, female=300)
    for upt, register, sex, crime, count in (
        (a, "A.III", "L", "PIDANA_UMUM", 150),
        (a, "B.I", "L", "NARKOTIKA_BANDAR", 400),
        (a, "B.I", "P", "KORUPSI", 50),
        (b, "A.I", "L", "PIDANA_UMUM", 100),
        (b, "B.IIa", "L", "NARKOTIKA_PENGGUNA", 328),
        (c, "A.II", "P", "PIDANA_UMUM", 300),
        (c, "SH", "L", "TERORISME", 500),
    ):
        OccupancyBreakdown.objects.create(
            date=DAY, upt=upt, register=register, sex=sex, crime_category=crime, count=count
        )

    run1 = make_run(dt.date(2026, 3, 9))
    run2 = make_run(DAY)
    result(run1, a, 600, 2, 1)
    result(run1, b, 100, 0, 0)
    result(run2, a, 600, 5, 3)
    result(run2, c, 800, 1, 0)
    nik = ValidationRule.objects.get_or_create(
        code="NIK_FORMAT", defaults={"record_type": "person", "severity": "error", "message": "NIK harus 16 digit."}
    )[0]
    order = ValidationRule.objects.get_or_create(
        code="DATE_ORDER",
        defaults={"record_type": "person", "severity": "error", "message": "Urutan tanggal tidak masuk akal."},
    )[0]
    limit = ValidationRule.objects.get_or_create(
        code="DETENTION_LIMIT",
        defaults={"record_type": "person", "severity": "warning", "message": "Masa penahanan lewat batas."},
    )[0]
    submission_a = a.submissions.get(report_date=DAY)
    submission_c = send(c, dt.date(2026, 2, 20), 9)
    row = 0
    for rule, severity, n, submission in (
        (nik, "error", 3, submission_a),
        (order, "error", 2, submission_a),
        (limit, "warning", 1, submission_a),
        (nik, "error", 1, submission_c),
    ):
        for _i in range(n):
            row += 1
            RowIssue.objects.create(
                run=run2,
                submission=submission,
                record_type="person",
                staged_row_id=row,
                record_key=f"B.I/{row:04d}/2026",
                rule=rule,
                severity=severity,
                detail_code="text",
                detail_args={"text": "rincian uji"},
            )
    for upt, state in ((a, "open"), (a, "resolved"), (c, "open")):
        identity = PersonIdentity.objects.create(full_name=f"WBP konflik {upt.code} {state}")
        Conflict.objects.create(kind="active_twice", identity=identity, upt=upt, state=state, detected_run=run2)
    return ReportData(world=world, run1=run1, run2=run2, submission_a=submission_a, submission_c=submission_c)
