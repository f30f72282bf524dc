"""A Kanwil monitor's morning in real Chromium: the region's dashboard, sorting, the occupancy chart drawn by
the vendored Chart.js (no network), an export link, and the print layout."""

import re

import pytest

from tests.browser.conftest import login
from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, as a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monitor_reads_the_region_and_its_chart(page, report_data):  # noqa: F811
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, "kanwil_x")
    page.goto(f"{page.base_url}/kanwil/?tanggal=2026-03-10")
    assert "Kanwil Ditjenpas Jawa Tengah" in page.locator("h1").inner_text()
    table = page.locator("#tabel-upt")
    assert "Karanganyar" in table.inner_text() and "Cipinang" not in page.content()
    assert table.locator(".badge.red", has_text=re.compile(r"^120,0 %$")).count() == 1  # A's occupancy rate
    assert table.locator(".badge.red", has_text=re.compile(r"^20,0 %$")).count() == 1  # A's overcrowding
    assert table.locator("td", has_text=re.compile(r"^tidak melebihi$")).count() == 1  # B: exactly full
    assert not re.search(r"[-−]\d+,\d %", table.inner_text())

    table.get_by_role("link", name="Tingkat hunian").click()
    page.wait_for_load_state("networkidle")
    first = page.locator("#tabel-upt tbody tr").first.inner_text()
    assert "Batu" in first  # ascending: 100 % (full) before 120 %
    assert page.locator("#tabel-upt th[aria-sort=ascending]").count() == 1

    page.get_by_role("link", name="Hunian & tren").click()
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate("() => !!(window.Chart && window.Chart.getChart(document.getElementById('grafik-hunian')))")
    assert drawn
    box = page.locator("#grafik-hunian").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert (
        page.locator("#bagian-register")
        .get_by_role("link", name="XLSX")
        .get_attribute("href")
        .endswith("format=xlsx&tabel=register")
    )

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator(".print-meta").is_visible()
    page.emulate_media(media="screen")
    outside = [url for url in requests if not url.startswith(page.base_url)]
    assert not outside, outside  # everything, the chart library included, comes from the site itself
