"""SDP Publik signed out, at 1366×768: from the login page's link to the nation, a Kanwil and a UPT, each
with its "Keadaan per … WIB" line and small cells shown as "<5"; the language menu switches it to English.
A screenshot of each level goes to ``test-artifacts/``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from central.models import OccupancyBreakdown
from tests.browser.conftest import ARTIFACTS
from tests.factories import ConsolidationRunFactory, OccupancySnapshotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 3, 10)


def _figures(world) -> None:
    run = ConsolidationRunFactory(snapshot_date=DAY, finished_at=dt.datetime(2026, 3, 10, 15, 7, tzinfo=WIB))
    rows = {
        world.upt_a: (3, 597, 580, 20, 0, 4, {"NARKOTIKA_BANDAR": 350, "KORUPSI": 3, "PIDANA_UMUM": 247}),
        world.upt_b: (100, 328, 420, 8, 12, 0, {"NARKOTIKA_PENGGUNA": 428}),
        world.upt_c: (300, 500, 780, 20, 0, 31, {"PIDANA_UMUM": 700, "TERORISME": 100}),
    }
    for upt, (det, sen, male, female, children, foreign, crimes) in rows.items():
        OccupancySnapshotFactory(
            date=DAY,
            upt=upt,
            detainees=det,
            sentenced=sen,
            male=male,
            female=female,
            children=children,
            foreign_nationals=foreign,
            run=run,
        )
        for crime, n in crimes.items():
            OccupancyBreakdown.objects.create(date=DAY, upt=upt, register="B.I", sex="L", crime_category=crime, count=n)


def test_the_public_page_signed_out(browser, live_server, world):
    _figures(world)
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(f"{live_server.url}/akun/masuk/")
        page.click("text=SDP Publik")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/publik/")
        assert page.locator("h1").inner_text() == "Hunian Lapas dan Rutan se-Indonesia"
        assert "Keadaan per 10-03-2026 15.07 WIB" in page.locator("main").inner_text()
        assert page.locator(".site-header .user-box a").inner_text() == "Masuk"
        page.screenshot(path=str(ARTIFACTS / "publik-nasional.png"))

        page.click(f"#tabel-rincian >> text={world.kanwil_x.name}")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == world.kanwil_x.name
        page.screenshot(path=str(ARTIFACTS / "publik-kanwil.png"))

        page.click(f"#tabel-rincian >> text={world.upt_a.name}")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == world.upt_a.name
        status = page.locator("#tabel-status").inner_text()
        assert "<5" in status and "×" in status
        assert "<5" in page.locator("#tabel-khusus").inner_text()
        page.screenshot(path=str(ARTIFACTS / "publik-upt.png"), full_page=True)

        with page.expect_navigation():
            page.select_option("#lang-select", "en")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "As of 10-03-2026 15.07 WIB" in page.locator("main").inner_text()
        assert page.locator(".site-header .user-box a").inner_text() == "Log in"
        page.screenshot(path=str(ARTIFACTS / "publik-upt-en.png"))
    finally:
        context.close()
