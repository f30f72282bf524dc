"""The report figures equal the ones computed by hand for the fixed dataset (see conftest)."""

import datetime as dt

import pytest

from central.selectors.reports import activity as activity_sel
from central.selectors.reports import breakdowns as breakdown_sel
from central.selectors.reports import common as scope_sel
from central.selectors.reports import compliance as compliance_sel
from central.selectors.reports import status as status_sel
from tests.reports.conftest import DAY, NOW, START, at, send

pytestmark = pytest.mark.django_db


def by_code(rows):
    return {row.upt.code: row for row in rows}


def test_day_status_of_each_upt(report_data):
    world = report_data.world
    statuses = by_code(status_sel.upt_statuses(user=world.central, day=DAY, now=NOW))
    a, b, c = statuses["LP3301"], statuses["LP3302"], statuses["LP3101"]

    assert (a.occupancy_state, a.other_state, a.packages) == (
        scope_sel.SendState.ON_TIME,
        scope_sel.SendState.ON_TIME,
        1,
    )
    assert a.first_received_at == at(DAY, 8)
    assert a.missed_streak == 0
    assert (b.occupancy_state, b.other_state, b.packages) == (scope_sel.SendState.MISSED, scope_sel.SendState.MISSED, 0)
    assert b.last_sent_date == dt.date(2026, 3, 8)
    assert b.missed_streak == 2
    assert c.missed_streak == 18

    # Last consolidation result as of the day: run #2 for A and C, run #1 for B.
    assert (a.result.run_id, a.result.rows_accepted, a.result.rows_rejected, a.result.rows_warned) == (
        report_data.run2.pk,
        600,
        5,
        3,
    )
    assert b.result.run_id == report_data.run1.pk
    assert (a.open_conflicts, b.open_conflicts, c.open_conflicts) == (1, 0, 1)

    # Occupancy rate penghuni / kapasitas; DESIGN §1's overcrowding (penghuni − kapasitas) / kapasitas only
    # when over capacity.
    assert (a.occupancy.detainees, a.occupancy.sentenced, a.occupancy.total, a.occupancy.capacity) == (
        150,
        450,
        600,
        500,
    )
    assert a.occupancy.occupancy_rate == pytest.approx(120.0)
    assert a.occupancy.overcrowding == pytest.approx(20.0)
    assert a.occupancy.level == "red"
    assert b.occupancy.occupancy_rate == pytest.approx(100.0)
    assert b.occupancy.overcrowding is None  # exactly full is not over capacity
    assert b.occupancy.level == "yellow"
    assert c.occupancy.occupancy_rate == pytest.approx(800 * 100 / 1136)
    assert c.occupancy.overcrowding is None and c.occupancy.overcrowding_shown == "tidak melebihi"
    assert c.occupancy.level == "green"


def test_the_day_before_shows_that_days_figures(report_data):
    statuses = by_code(status_sel.upt_statuses(user=report_data.world.central, day=dt.date(2026, 3, 9), now=NOW))
    a = statuses["LP3301"]
    assert a.occupancy.total == 590 and a.snapshot_date == dt.date(2026, 3, 9)
    assert a.result.run_id == report_data.run1.pk  # run #2 happened the day after
    assert statuses["LP3302"].missed_streak == 1


def test_region_totals(report_data):
    world = report_data.world
    statuses = status_sel.upt_statuses(user=world.monitor_x, day=DAY, now=NOW)
    assert {s.upt.code for s in statuses} == {"LP3301", "LP3302"}
    totals = status_sel.status_totals(statuses)
    assert (totals.upts, totals.capacity, totals.detainees, totals.sentenced, totals.total) == (2, 928, 250, 778, 1028)
    assert totals.occupancy.occupancy_rate == pytest.approx(1028 * 100 / 928)
    assert totals.occupancy.overcrowding == pytest.approx((1028 - 928) * 100 / 928)
    assert totals.occupancy.level == "red"
    assert (totals.on_time, totals.late, totals.missed, totals.waiting) == (1, 0, 1, 0)
    assert (totals.rows_accepted, totals.rows_rejected, totals.rows_warned, totals.open_conflicts) == (700, 5, 3, 1)
    assert totals.over_capacity == 1


def test_national_lines_per_region(report_data):
    world = report_data.world
    statuses = status_sel.upt_statuses(user=world.central, day=DAY, now=NOW)
    regions = {
        r.kanwil.code: r.totals
        for r in status_sel.kanwil_statuses(scope_sel.report_kanwils(user=world.central), statuses)
    }
    assert len(regions) == 33
    assert regions["33"].total == 1028 and regions["31"].total == 800 and regions["11"].upts == 0
    assert [s.upt.code for s in status_sel.most_overcrowded(statuses)] == ["LP3301"]
    # Never sent in the range but 18 days of silence; B two days.
    assert [s.upt.code for s in status_sel.not_sent(statuses)] == ["LP3101", "LP3302"]


def test_compliance_over_the_range(report_data):
    rows = by_code(compliance_sel.compliance(user=report_data.world.central, start=START, end=DAY, now=NOW))
    a, b, c = rows["LP3301"], rows["LP3302"], rows["LP3101"]
    assert a.closed_days == 10
    assert (a.sent_days, a.packages, a.late_occupancy_days, a.late_other_days, a.missed_days) == (10, 10, 2, 1, 0)
    assert (a.longest_missed_streak, a.current_missed_streak) == (0, 0)
    assert a.compliance_percent == pytest.approx(100.0)
    assert a.level == "yellow"  # sent every day, but not always on time
    assert (b.sent_days, b.packages, b.late_occupancy_days, b.late_other_days, b.missed_days) == (4, 5, 1, 0, 6)
    assert (b.longest_missed_streak, b.current_missed_streak, b.last_sent_date) == (4, 2, dt.date(2026, 3, 8))
    assert b.compliance_percent == pytest.approx(40.0)
    assert b.level == "red"
    assert (c.sent_days, c.missed_days, c.longest_missed_streak, c.current_missed_streak) == (0, 10, 10, 18)
    totals = compliance_sel.compliance_totals(rows.values())
    assert (totals.upt_days, totals.sent_closed_days, totals.missed_days, totals.late_occupancy_days) == (30, 14, 16, 3)


def test_compliance_on_a_sub_range_counts_streaks_inside_it(report_data):
    rows = by_code(
        compliance_sel.compliance(
            user=report_data.world.central, start=dt.date(2026, 3, 4), end=dt.date(2026, 3, 7), now=NOW
        )
    )
    b = rows["LP3302"]
    # 04-03 … 06-03 missed (3), 07-03 sent late: the streak before the range (03-03) is not counted in it.
    assert (b.sent_days, b.missed_days, b.longest_missed_streak, b.current_missed_streak) == (1, 3, 3, 0)
    assert b.late_occupancy_days == 1


def test_a_never_sent_upt_has_missed_every_day_since_central_began(world):
    """Never sent: its current streak runs back to the first package central received (from any UPT), or to
    the range's start when nothing came earlier. It was "—" before, hiding a month of silence."""
    row = by_code(compliance_sel.compliance(user=world.central, start=START, end=DAY, now=NOW))["LP3302"]
    assert row.last_sent_date is None
    assert (row.longest_missed_streak, row.current_missed_streak) == (10, 10)  # 01-03 … 10-03, nothing earlier

    send(world.upt_a, dt.date(2026, 2, 8), 8)  # central's first package: 08-02
    row = by_code(compliance_sel.compliance(user=world.central, start=START, end=DAY, now=NOW))["LP3302"]
    # 08-02 … 28-02 is 21 days, 01-03 … 10-03 another 10.
    assert (row.longest_missed_streak, row.current_missed_streak) == (10, 31)
    send(world.upt_a, dt.date(2026, 3, 5), 8)  # a later package elsewhere changes nothing
    row = by_code(compliance_sel.compliance(user=world.central, start=START, end=DAY, now=NOW))["LP3302"]
    assert row.current_missed_streak == 31


def test_today_before_and_after_the_deadlines(world):
    today = dt.date(2026, 3, 10)
    send(world.upt_a, today, 9, 30)
    at_nine = at(today, 9, 0)
    statuses = by_code(status_sel.upt_statuses(user=world.central, day=today, now=at(today, 9, 45)))
    assert statuses["LP3301"].occupancy_state == scope_sel.SendState.ON_TIME
    assert statuses["LP3302"].occupancy_state == scope_sel.SendState.WAITING
    assert statuses["LP3302"].other_state == scope_sel.SendState.WAITING
    statuses = by_code(status_sel.upt_statuses(user=world.central, day=today, now=at(today, 11, 0)))
    assert statuses["LP3302"].occupancy_state == scope_sel.SendState.MISSED
    assert statuses["LP3302"].other_state == scope_sel.SendState.WAITING
    # Before 14.00 today is not a missed day yet; after it, it is.
    rows = by_code(compliance_sel.compliance(user=world.central, start=today, end=today, now=at_nine))
    assert (rows["LP3302"].closed_days, rows["LP3302"].missed_days) == (0, 0)
    rows = by_code(compliance_sel.compliance(user=world.central, start=today, end=today, now=at(today, 14, 0)))
    assert (rows["LP3302"].closed_days, rows["LP3302"].missed_days) == (1, 1)
    assert rows["LP3301"].sent_days == 1


def test_breakdown_by_register_sex_and_crime(report_data):
    breakdown = breakdown_sel.occupancy_breakdown(user=report_data.world.monitor_x, day=DAY)
    assert breakdown.total.total == 1028
    assert (breakdown.total.male, breakdown.total.female) == (978, 50)
    assert (breakdown.detainees.total, breakdown.sentenced.total) == (250, 778)
    registers = {line.code: line.total for line in breakdown.by_register}
    assert registers == {
        "A.I": 100, "A.II": 0, "A.III": 150, "A.IV": 0, "A.V": 0,
        "B.I": 450, "B.IIa": 328, "B.IIb": 0, "B.III": 0, "SH": 0, "PM": 0,
    }  # fmt: skip
    crimes = {line.code: (line.detainees, line.sentenced) for line in breakdown.by_crime}
    assert crimes["PIDANA_UMUM"] == (250, 0)
    assert crimes["NARKOTIKA_BANDAR"] == (0, 400)
    assert crimes["KORUPSI"] == (0, 50)
    sexes = {line.code: line.total for line in breakdown.by_sex}
    assert sexes == {"L": 978, "P": 50}
    assert breakdown.by_register[2].share == pytest.approx(150 * 100 / 1028)
    # Nationally, C adds its 800.
    assert breakdown_sel.occupancy_breakdown(user=report_data.world.central, day=DAY).total.total == 1828


def test_breakdown_uses_each_upts_latest_data(report_data):
    # On 11-03 nothing new arrived: each UPT's figures are still those of 10-03.
    breakdown = breakdown_sel.occupancy_breakdown(user=report_data.world.central, day=dt.date(2026, 3, 11))
    assert breakdown.total.total == 1828
    assert breakdown.last_date == DAY
    assert breakdown_sel.occupancy_breakdown(user=report_data.world.central, day=dt.date(2026, 3, 9)).total.total == 0


def test_trend_sums_each_day(report_data):
    points = breakdown_sel.occupancy_trend(user=report_data.world.monitor_x, start=dt.date(2026, 3, 7), end=DAY)
    assert [(p.day.day, p.upts, p.occupancy.total, p.capacity) for p in points] == [
        (8, 2, 980, 928),
        (9, 2, 1010, 928),
        (10, 2, 1028, 928),
    ]
    national = breakdown_sel.occupancy_trend(user=report_data.world.central, start=DAY, end=DAY)
    assert (national[0].occupancy.total, national[0].capacity) == (1828, 2064)


def test_run_activity_is_summed_over_the_scope(report_data):
    world = report_data.world
    runs = list(activity_sel.consolidation_runs(user=world.monitor_x, start=START, end=DAY))
    assert [r.pk for r in runs] == [report_data.run2.pk, report_data.run1.pk]
    activity = {a.run.pk: a for a in activity_sel.run_activity(user=world.monitor_x, runs=runs)}
    assert (activity[report_data.run2.pk].upts, activity[report_data.run2.pk].rows_rejected) == (1, 5)
    assert (activity[report_data.run1.pk].upts, activity[report_data.run1.pk].rows_accepted) == (2, 700)
    national = {a.run.pk: a for a in activity_sel.run_activity(user=world.central, runs=runs)}
    assert (national[report_data.run2.pk].upts, national[report_data.run2.pk].rows_rejected) == (2, 6)


def test_rejection_reasons_per_upt_and_rule(report_data):
    world = report_data.world
    reasons = activity_sel.run_issue_reasons(user=world.monitor_x, run=report_data.run2, severity="error")
    assert [(r.upt_code, r.rule_code, r.rows) for r in reasons] == [
        ("LP3301", "NIK_FORMAT", 3),
        ("LP3301", "DATE_ORDER", 2),
    ]
    assert activity_sel.run_issues(user=world.monitor_x, run=report_data.run2).count() == 6
    assert activity_sel.run_issues(user=world.central, run=report_data.run2).count() == 7
    assert activity_sel.run_issues(user=world.operator_b, run=report_data.run2).count() == 0


def test_an_operator_sees_only_their_upt(report_data):
    world = report_data.world
    assert [s.upt.code for s in status_sel.upt_statuses(user=world.operator_a, day=DAY, now=NOW)] == ["LP3301"]
    assert [r.upt.code for r in compliance_sel.compliance(user=world.operator_b, start=START, end=DAY, now=NOW)] == [
        "LP3302"
    ]
    assert breakdown_sel.occupancy_breakdown(user=world.operator_a, day=DAY).total.total == 600
    assert breakdown_sel.occupancy_breakdown(user=world.no_role, day=DAY).total.total == 0
