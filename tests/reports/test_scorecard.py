"""The monthly data-quality scorecard on the fixed report history (tests/reports/conftest.py), every figure
computed by hand from the fixture: March 2026 seen on 20-03-2026 12.00 WIB, so 01-03 … 19-03 are closed
(19 days; the 20th's last deadline has not passed)."""

from __future__ import annotations

import datetime as dt

import pytest

from central.models import Conflict, OccupancySnapshot
from central.models.daily_checks import AnomalyMetric, DailyAnomaly, DailyReconciliation, ReconciliationState
from central.selectors.reports.scorecard import scorecard_trend, scorecards
from tests.reports.conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
CLOSED = 19


def _reconciliation(upt, day, state):
    DailyReconciliation.objects.create(
        date=day, upt=upt, state=state, previous_date=day - dt.timedelta(days=1), previous_population=600,
        admissions=0, transfers_in=0, recaptures=0, releases=0, transfers_out=0, deaths=0, escapes=0,
        temporary_exits=0, returns=0, population=600, expected=600, difference=0,
    )  # fmt: skip


@pytest.fixture
def quality(report_data):
    world = report_data.world
    a, b, c = world.upt_a, world.upt_b, world.upt_c
    # The register counts of the 10-03 snapshots (the month's last of each UPT).
    OccupancySnapshot.objects.filter(upt=a, date=DAY).update(
        with_nik=580, nik_plausible=570, sentenced_without_extract=45
    )
    OccupancySnapshot.objects.filter(upt=b, date=DAY).update(
        with_nik=428, nik_plausible=428, sentenced_without_extract=0
    )
    OccupancySnapshot.objects.filter(upt=c, date=DAY).update(with_nik=10, nik_plausible=0, sentenced_without_extract=0)
    # A: two balanced days and one break; three days scored for anomalies, one of them flagged.
    for day, state in ((dt.date(2026, 3, 8), "balanced"), (dt.date(2026, 3, 9), "balanced"), (DAY, "break")):
        _reconciliation(a, day, ReconciliationState(state))
    for day, flagged in ((dt.date(2026, 3, 8), False), (dt.date(2026, 3, 9), False), (DAY, True)):
        for metric in AnomalyMetric:
            DailyAnomaly.objects.create(
                date=day, upt=a, metric=metric, value=600, history_days=20, median=600, mad=5,
                score=9.9 if flagged and metric == AnomalyMetric.POPULATION else 0.1,
                flagged=flagged and metric == AnomalyMetric.POPULATION,
            )  # fmt: skip
    # The fixture's conflicts (A: one open, one resolved; C: one open) were found by run #2, on 10-03.
    Conflict.objects.update(detected_at=at(DAY, 15, 5))
    return world


def test_each_part_and_the_weighted_score_by_hand(quality, report_data):
    cards = {c.upt.code: c for c in scorecards(user=quality.central, month=dt.date(2026, 3, 15), now=NOW)}
    a, b, c = cards[quality.upt_a.code], cards[quality.upt_b.code], cards[quality.upt_c.code]

    # Timeliness: days with a package before 10.00 among the 19 closed days (A: all but 04-03 and 07-03).
    assert (a.part("timeliness").numerator, a.part("timeliness").denominator) == (8, CLOSED)
    assert (b.part("timeliness").numerator, c.part("timeliness").numerator) == (3, 0)
    # Rows of March's runs (#1 and #2) that passed validation: A 1,200 of 1,207; B 100 of 100; C 800 of 801.
    assert (a.part("accepted").numerator, a.part("accepted").denominator) == (1200, 1207)
    assert b.part("accepted").score == 100.0
    assert c.part("accepted").score == pytest.approx(100 * 800 / 801)
    assert a.part("reconciliation").score == pytest.approx(100 * 2 / 3)
    assert a.part("anomalies").score == pytest.approx(100 * 2 / 3)
    assert b.part("reconciliation").score is None and b.part("anomalies").score is None  # no checks: no figure
    assert a.part("nik").score == pytest.approx(100 * 570 / 600)
    assert a.part("extract").score == pytest.approx(100 * 405 / 450)
    assert c.part("nik").score == 0.0 and c.part("extract").score == 100.0
    assert [x.part("conflicts").numerator for x in (a, b, c)] == [1, 0, 1]  # the resolved one does not count

    expected_a = (25 * 8 / CLOSED + 15 * 1200 / 1207 + 15 * 2 / 3 + 10 * 2 / 3 + 15 * 570 / 600 + 10 * 405 / 450
                  + 10 * 0.9)  # fmt: skip
    expected_b = (25 * 3 / CLOSED + 15 + 15 + 10 + 10) * 100 / 75  # reconciliation and anomalies left out
    expected_c = (25 * 0 + 15 * 800 / 801 + 15 * 0 + 10 * 1 + 10 * 0.9) * 100 / 75
    assert a.score == pytest.approx(expected_a)
    assert b.score == pytest.approx(expected_b)
    assert c.score == pytest.approx(expected_c)
    assert [(x.rank_national, x.rank_kanwil) for x in (a, b, c)] == [(1, 1), (2, 2), (3, 1)]
    assert (a.level, c.level) == ("yellow", "red")


def test_a_kanwil_sees_its_region_only_and_a_month_without_data_has_no_score(quality):
    cards = scorecards(user=quality.monitor_x, month=MARCH, now=NOW)
    assert {c.upt.code for c in cards} == {quality.upt_a.code, quality.upt_b.code}
    empty = scorecards(user=quality.central, month=dt.date(2026, 1, 1), now=NOW)
    assert empty and all(c.score is None and c.rank_national is None for c in empty)
    assert scorecards(user=quality.central, month=dt.date(2026, 4, 1), now=NOW) == []  # not begun


def test_the_trend_holds_each_month_newest_first_with_the_same_figures(quality):
    trend = scorecard_trend(user=quality.operator_a, upt=quality.upt_a, months=3, now=NOW)
    assert [card.month for card in trend] == [MARCH, dt.date(2026, 2, 1), dt.date(2026, 1, 1)]
    march = scorecards(user=quality.central, month=MARCH, now=NOW)
    assert trend[0].score == pytest.approx(next(c for c in march if c.upt == quality.upt_a).score)
    # February: central's first package came on 20-02 (from C); A sent nothing on the 9 days from then.
    february = trend[1].part("timeliness")
    assert (february.numerator, february.denominator, trend[1].score) == (0, 9, 0.0)
    assert trend[2].score is None  # January predates the system: no figure at all


def test_the_pages_rank_and_export_and_refuse_a_bad_month(quality, client_for):
    central = client_for(quality.central)
    page = central.get("/laporan/nasional/rapor/?bulan=03-2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rapor kualitas data" in html and quality.upt_a.code in html
    export = central.get("/laporan/nasional/rapor/?bulan=03-2026&format=csv&tabel=rapor")
    assert (
        export.status_code == 200
        and len(b"".join(export.streaming_content if export.streaming else [export.content]).splitlines()) == 4
    )
    monitor = client_for(quality.monitor_x)
    assert monitor.get(f"/laporan/wilayah/{quality.kanwil_x.code}/rapor/?bulan=03-2026").status_code == 200
    assert monitor.get("/laporan/nasional/rapor/").status_code == 403
    bad = central.get("/laporan/nasional/rapor/?bulan=13-2026")
    assert bad.status_code == 400 and "Bulan tidak valid" in bad.content.decode()
    future = central.get("/laporan/nasional/rapor/?bulan=01-2099")
    assert future.status_code == 400 and "melewati bulan ini" in future.content.decode()
    upt_page = client_for(quality.operator_a).get(f"/laporan/upt/{quality.upt_a.code}/")
    assert upt_page.status_code == 200 and "Rapor kualitas data per bulan" in upt_page.content.decode()


def test_the_api_gives_the_same_figures_and_refuses_a_bad_month(quality, client_for):
    central = client_for(quality.central)
    answer = central.get("/api/v1/reports/scorecard/", {"month": "2026-03"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["month"] == "2026-03-01" and body["count"] == 3
    page_cards = {c.upt.code: c for c in scorecards(user=quality.central, month=MARCH)}
    for row in body["results"]:
        card = page_cards[row["upt_code"]]
        assert row["score"] == pytest.approx(card.score) and row["rank_national"] == card.rank_national
        assert [p["key"] for p in row["parts"]] == list(card.parts)
    region = client_for(quality.monitor_x).get("/api/v1/reports/scorecard/", {"month": "2026-03"}).json()
    assert {row["upt_code"] for row in region["results"]} == {quality.upt_a.code, quality.upt_b.code}
    bad = central.get("/api/v1/reports/scorecard/", {"month": "2026-13"})
    assert bad.status_code == 400 and "month" in bad.content.decode()


def test_a_unit_that_sent_nothing_scores_its_missed_days_only(quality):
    """An empty snapshot (the run writes one for every active unit) earns no conflict-free points."""
    from tests.factories import OccupancySnapshotFactory, UptFactory

    silent = UptFactory(code="LP3399", name="Lapas Sunyi", kanwil=quality.kanwil_x, capacity=100)
    OccupancySnapshotFactory(upt=silent, date=DAY, detainees=0, sentenced=0, male=0, female=0)
    card = next(c for c in scorecards(user=quality.central, month=MARCH, now=NOW) if c.upt == silent)
    assert card.part("conflicts").score is None and card.part("nik").score is None
    assert (card.part("timeliness").numerator, card.part("timeliness").denominator, card.score) == (0, CLOSED, 0.0)
