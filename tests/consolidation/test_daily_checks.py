"""Daily reconciliation and anomaly checks, on a small dataset with every figure worked out by hand.

Day 1 (moved back to yesterday after its run, as if the run had been then): UPT A sends a full package, five
people held and their five admissions; UPT B a full package, one person held and her admission; UPT C sends
nothing. Day 2 (today): A releases A/1 (with the movement), admits A/6 (admission dated five days ago,
received today), sends A/2 to a hearing (temporary exit: still an occupant); B marks B/1 released but sends
no movement. So, on day 2:
- A: 5 + 1 admission − 1 release = 5 expected, 5 held → balanced (1 temporary exit counted, not added);
- B: 1 + 0 − 0 = 1 expected, 0 held → break of −1 (the release movement is missing);
- C: never sent anything → "no data", its population null, not 0.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from central.models import (
    ConsolidationRun,
    DailyAnomaly,
    DailyCheckSettings,
    DailyReconciliation,
    NationalMovement,
    OccupancySnapshot,
)
from central.services.consolidation.daily_checks import daily_checks_record
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, today

pytestmark = pytest.mark.django_db


def _day_one(world, *, days_back: int = 1):
    a = [person_values(f"A/{i}", nik="") for i in range(1, 6)]
    package(world.upt_a, persons=a, movements=[movement_values(f"A/{i}") for i in range(1, 6)])
    package(world.upt_b, persons=[person_values("B/1", nik="", sex="P")], movements=[movement_values("B/1")])
    first = consolidate(world.central)
    _move_back(days_back)
    return first


def _move_back(days: int) -> None:
    """What the first run wrote dated ``days`` earlier, as if it had run then."""
    earlier = today() - timedelta(days=days)
    OccupancySnapshot.objects.filter(date=today()).update(date=earlier)
    DailyReconciliation.objects.filter(date=today()).update(date=earlier)
    DailyAnomaly.objects.filter(date=today()).update(date=earlier)
    NationalMovement.objects.filter(received_on=today()).update(received_on=earlier)
    ConsolidationRun.objects.filter(snapshot_date=today()).update(snapshot_date=earlier)


def _day_two(world):
    t = today()
    package(
        world.upt_a,
        kind="delta",
        persons=[
            person_values("A/1", nik="", status="RELEASED"),
            person_values("A/2", nik="", status="TEMP_OUT"),
            person_values("A/6", nik=""),
        ],
        movements=[
            movement_values("A/1", kind="RELEASE", date=t, release_reason="BEBAS_MURNI"),
            movement_values("A/2", kind="TEMP_EXIT", date=t, exit_reason="SIDANG"),
            movement_values("A/6", kind="ADMISSION", date=t - timedelta(days=5)),
        ],
    )
    package(world.upt_b, kind="delta", persons=[person_values("B/1", nik="", sex="P", status="RELEASED")])
    return consolidate(world.central)


def _row(upt, day=None) -> DailyReconciliation:
    return DailyReconciliation.objects.get(upt=upt, date=day or today())


def test_first_day_has_no_baseline_and_a_silent_unit_no_data(world):
    _day_one(world)
    yesterday = today() - timedelta(days=1)
    a, b, c = (_row(u, yesterday) for u in (world.upt_a, world.upt_b, world.upt_c))
    assert (a.state, a.population, a.admissions, a.expected, a.difference) == ("first", 5, 5, None, None)
    assert (b.state, b.population) == ("first", 1)
    assert (c.state, c.population, c.difference) == ("no_data", 0, None)
    # Nothing is scored on a day without a baseline.
    assert not DailyAnomaly.objects.exists()


def test_second_day_reconciles_by_hand(world):
    _day_one(world)
    run = _day_two(world)
    yesterday = today() - timedelta(days=1)
    a = _row(world.upt_a)
    assert a.run == run
    assert (a.previous_date, a.previous_population) == (yesterday, 5)
    assert (a.admissions, a.transfers_in, a.recaptures) == (1, 0, 0)  # A/6's late admission counts today
    assert (a.releases, a.transfers_out, a.deaths, a.escapes) == (1, 0, 0, 0)
    assert (a.temporary_exits, a.returns) == (1, 0)
    assert (a.expected, a.population, a.difference, a.state) == (5, 5, 0, "balanced")
    b = _row(world.upt_b)
    assert (b.previous_population, b.admissions, b.releases, b.expected, b.population) == (1, 0, 0, 1, 0)
    assert (b.difference, b.state) == (-1, "break")
    c = _row(world.upt_c)
    assert (c.state, c.expected, c.difference) == ("no_data", None, None)
    # Yesterday's rows are kept as they were.
    assert _row(world.upt_a, yesterday).state == "first"


def test_a_unit_back_after_weeks_reconciles_over_the_gap(world):
    """No run for three weeks: the previous snapshot is three weeks old, and every movement received since
    then is counted against it."""
    _day_one(world, days_back=21)
    _day_two(world)
    a = _row(world.upt_a)
    assert (a.previous_date, a.previous_population, a.expected, a.population, a.state) == (
        today() - timedelta(days=21),
        5,
        5,
        5,
        "balanced",
    )


def test_a_rerun_replaces_the_day(world):
    _day_one(world)
    _day_two(world)
    package(world.upt_b, kind="delta", movements=[movement_values("B/1", kind="RELEASE", release_reason="PB")])
    again = consolidate(world.central)
    b = _row(world.upt_b)
    assert (b.run, b.releases, b.expected, b.difference, b.state) == (again, 1, 0, 0, "balanced")
    assert DailyReconciliation.objects.filter(date=today()).count() == 3


# --- Anomalies -------------------------------------------------------------------------------------------

# Ten days of UPT A's history around 4,300 (median 4,300; absolute deviations 0,0,0,10,10,10,10,20,20,30:
# MAD 10, so the scale is 1.4826 × 10 = 14.826).
HISTORY = [4300, 4310, 4290, 4300, 4320, 4280, 4300, 4310, 4290, 4330]


def _history(upt, values, *, until_days_back: int = 1):
    for i, value in enumerate(reversed(values)):
        OccupancySnapshot.objects.create(
            date=today() - timedelta(days=until_days_back + i),
            upt=upt,
            capacity=upt.capacity,
            detainees=0,
            sentenced=value,
            male=value,
            female=0,
        )


def test_a_fall_from_4300_to_5_is_flagged(world):
    """The register holds 5 of A's people today; its last ten days said about 4,300."""
    _history(world.upt_a, HISTORY)
    package(world.upt_a, persons=[person_values(f"A/{i}", nik="") for i in range(1, 6)])
    run = consolidate(world.central)
    a = _row(world.upt_a)
    # Yesterday 4,330 held, no movement received today: 4,330 expected, 5 held.
    assert (a.previous_population, a.expected, a.population, a.difference, a.state) == (4330, 4330, 5, -4325, "break")
    population = DailyAnomaly.objects.get(upt=world.upt_a, date=today(), metric="population")
    assert (population.value, population.history_days, population.median, population.mad) == (5, 10, 4300, 10)
    assert population.score == pytest.approx((5 - 4300) / 14.826)  # −277.9
    assert population.flagged and population.run == run
    # No reconciled days yet for admissions and releases: not scored, not flagged ("belum cukup riwayat").
    admissions = DailyAnomaly.objects.get(upt=world.upt_a, date=today(), metric="admissions")
    assert (admissions.history_days, admissions.score, admissions.flagged) == (0, None, False)


def test_short_history_is_not_scored(world):
    _history(world.upt_a, HISTORY[:6])  # 6 days < the default 7
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    consolidate(world.central)
    population = DailyAnomaly.objects.get(upt=world.upt_a, date=today(), metric="population")
    assert (population.history_days, population.score, population.flagged) == (6, None, False)


def test_small_moves_of_a_flat_history_are_not_flagged(world):
    """A history that never moved has MAD 0: scored against one person, but a move under min_deviation
    (10 by default) is never flagged; one of 10 or more is."""
    _history(world.upt_a, [6] * 8)
    package(world.upt_a, persons=[person_values(f"A/{i}", nik="") for i in range(1, 6)])
    consolidate(world.central)
    population = DailyAnomaly.objects.get(upt=world.upt_a, date=today(), metric="population")
    assert (population.median, population.mad, population.score, population.flagged) == (6, 0, -1.0, False)
    settings = DailyCheckSettings.load()
    settings.min_deviation = 1
    settings.threshold = 1
    settings.save()
    run = ConsolidationRun.objects.get()
    daily_checks_record(run_id=run.pk, today=today())
    assert DailyAnomaly.objects.get(upt=world.upt_a, date=today(), metric="population").flagged


def test_settings_are_validated(world):
    from django.core.exceptions import ValidationError

    settings = DailyCheckSettings.load()
    settings.min_history_days = 40  # longer than the 28-day window
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "min_history_days" in error.value.message_dict


# --- Pages, export and API: the same figures ---------------------------------------------------------------


def _two_days(world):
    _day_one(world)
    return _day_two(world)


def test_region_dashboard_export_and_api_agree(world, client_for):
    _two_days(world)
    monitor = client_for(world.monitor_x)
    url = reverse("laporan:region", kwargs={"code": world.kanwil_x.code})
    page = monitor.get(url, {"tanggal": today().isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Selisih rekonsiliasi" in html and "tabel-rekonsiliasi" in html
    assert world.upt_b.name in html.split("tabel-rekonsiliasi")[1].split("</table>")[0]
    totals = page.context["checks_totals"]
    assert (totals.upts, totals.balanced, totals.breaks, totals.no_data) == (2, 1, 1, 0)

    exported = monitor.get(url, {"tanggal": today().isoformat(), "format": "csv", "tabel": "rekonsiliasi"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    body = [r for r in rows if r and r[0] == world.upt_b.code]
    assert len(body) == 1
    header = next(r for r in rows if r and r[0] == "Kode")
    line = dict(zip(header, body[0], strict=False))
    assert (line["Penghuni sebelumnya"], line["Menurut mutasi"], line["Penghuni snapshot"], line["Selisih"]) == (
        "1",
        "1",
        "0",
        "-1",
    )

    api = monitor.get(reverse("reports_api:daily_checks"), {"date": today().isoformat()})
    assert api.status_code == 200
    data = api.json()
    assert data["totals"]["breaks"] == 1 and data["totals"]["upts"] == 2  # region X only
    b = next(r for r in data["results"] if r["upt_code"] == world.upt_b.code)
    assert (b["state"], b["previous_population"], b["expected_population"], b["population"], b["difference"]) == (
        "break",
        1,
        1,
        0,
        -1,
    )
    only = monitor.get(reverse("reports_api:daily_checks"), {"date": today().isoformat(), "findings_only": "true"})
    assert [r["upt_code"] for r in only.json()["results"]] == [world.upt_b.code]


def test_api_gives_null_not_zero_for_a_unit_without_data(world, client_for):
    _two_days(world)
    data = client_for(world.central).get(reverse("reports_api:daily_checks"), {"upt": world.upt_c.code}).json()
    (c,) = data["results"]
    assert (c["state"], c["population"], c["difference"], c["anomaly_state"]) == ("no_data", None, None, "not_checked")
    # Another region's UPT is not the monitor's.
    other = client_for(world.monitor_x).get(reverse("reports_api:daily_checks"), {"upt": world.upt_c.code})
    assert other.status_code == 404


def test_run_page_lists_the_break_in_scope(world, client_for):
    run = _two_days(world)
    national = client_for(world.central).get(reverse("laporan:national_run", kwargs={"run_id": run.pk}))
    assert national.status_code == 200
    assert national.context["checks_totals"].breaks == 1
    assert [c.upt.code for c in national.context["tables"]["rekonsiliasi"].rows] == [world.upt_b.code]
    own = client_for(world.operator_a).get(
        reverse("laporan:upt_run", kwargs={"code": world.upt_a.code, "run_id": run.pk})
    )
    assert own.status_code == 200
    assert own.context["tables"]["rekonsiliasi"].rows == []  # B's break is not A's to see
    assert own.context["checks_totals"].balanced == 1


def test_correction_list_shows_the_units_own_break(world, client_for):
    _two_days(world)
    page = client_for(world.operator_b).get(reverse("upt:correction_list", kwargs={"upt_code": world.upt_b.code}))
    assert page.status_code == 200
    checks = page.context["daily_checks"]
    assert (checks[0].recon.date, checks[0].recon.state, checks[0].recon.difference) == (today(), "break", -1)
    assert "penghuni lebih sedikit daripada yang dijelaskan mutasi" in page.content.decode()
    mine = client_for(world.operator_a).get(reverse("upt:correction_list", kwargs={"upt_code": world.upt_a.code}))
    assert mine.context["daily_checks"][0].recon.state == "balanced"
