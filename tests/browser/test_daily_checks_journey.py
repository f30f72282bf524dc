"""The daily checks in real Chromium: a Kanwil monitor finds a UPT whose population does not reconcile and one
whose population fell far from its recent days; the UPT's operator finds the same break on its correction
list. Screenshots (1366×768) of both pages go to ``test-artifacts/``."""

from datetime import timedelta

import pytest
from django.urls import reverse

from central.models import OccupancySnapshot
from tests.browser.conftest import ARTIFACTS, login
from tests.consolidation.helpers import consolidate, package, person_values, today
from tests.consolidation.test_daily_checks import _day_one, _day_two

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_monitor_and_operator_see_the_break(page, world):
    _day_one(world)
    # Ten quiet days of A around 4,300 before yesterday's snapshot: today's few occupants are a fall.
    for i in range(2, 12):
        OccupancySnapshot.objects.create(
            date=today() - timedelta(days=i),
            upt=world.upt_a,
            capacity=500,
            detainees=0,
            sentenced=4300,
            male=4300,
            female=0,
        )
    _day_two(world)
    login(page, "kanwil_x")
    page.goto(f"{page.base_url}/laporan/wilayah/{world.kanwil_x.code}/")
    panel = page.locator("#pemeriksaan-harian")
    assert "Selisih rekonsiliasi" in panel.inner_text()
    breaks = page.locator("#tabel-rekonsiliasi").inner_text()
    assert "Batu" in breaks and "lebih sedikit" in breaks
    anomalies = page.locator("#tabel-anomali").inner_text()
    assert "Karanganyar" in anomalies and "Jumlah penghuni" in anomalies
    panel.scroll_into_view_if_needed()
    _shot(page, "daily_checks_region_dashboard")

    context = page.context.browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    operator = context.new_page()
    operator.base_url = page.base_url
    login(operator, "op_b")
    operator.goto(page.base_url + reverse("upt:correction_list", kwargs={"upt_code": world.upt_b.code}))
    section = operator.locator("#tabel-pemeriksaan-harian")
    assert "Selisih" in section.inner_text() and "-1" in section.inner_text()
    _shot(operator, "daily_checks_upt_corrections")
    context.close()


def test_first_package_shows_no_false_zero(page, world):
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    run = consolidate(world.central)
    login(page, "pusat")
    page.goto(f"{page.base_url}/laporan/nasional/konsolidasi/{run.pk}/")
    summary = page.locator("#pemeriksaan-harian").inner_text().lower()
    assert "belum ada data" in summary and "belum ada pembanding" in summary
    _shot(page, "daily_checks_run_page_first_run")
