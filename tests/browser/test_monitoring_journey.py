"""Each role's landing page and every report page at 1366×768 in real Chromium (docs/REPORTS.md, "Layout").

On the dashboards neither the page nor any table scrolls sideways (no table is wider than the box that holds
it), the key figures — send status and occupancy — are on screen without the "kolom lain" switch, the header
row stays on screen while a long table scrolls, the not-sent list is cut to its first rows with a link to the
whole list, the menu is one line, and the print layout fits A4 landscape (1,047 CSS pixels of paper). On every
page no overcrowding figure is negative. Each page's screenshot is saved under ``test-artifacts/``.

The fixed report history of ``tests/reports`` is widened here to a region of 33 UPTs with the long official
names, and the national table carries all 33 Kanwil of the reference data.
"""

import re

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.factories import OccupancySnapshotFactory, UptFactory
from tests.reports.conftest import (
    DAY,
    report_data,  # noqa: F401 — the fixed report history, as a fixture
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768
A4_LANDSCAPE = 1047  # 297 mm less 2 × 10 mm margins, at 96 CSS pixels per inch
NEGATIVE_PERCENT = re.compile(r"[-−]\s?\d[\d.]*,\d\s?%")

DAY_Q = f"tanggal={DAY.isoformat()}"
RANGE_Q = "dari=2026-03-01&sampai=2026-03-10"


@pytest.fixture
def crowded(report_data):  # noqa: F811
    """30 more UPTs in Jawa Tengah with long names, none of which sent on the day (with B, 31 silent in the
    region, 32 with C in the nation); a third over capacity."""
    kanwil = report_data.world.kanwil_x
    for n in range(30):
        upt = UptFactory(
            code=f"LP33{n + 10:02d}",
            name=f"Lapas Narkotika Kelas IIA Nusakambangan Kembang Kuning Permisan {n + 1}",
            kanwil=kanwil,
            capacity=200,
        )
        held = 260 if n % 3 == 0 else 150
        OccupancySnapshotFactory(upt=upt, date=DAY, detainees=held // 3, sentenced=held - held // 3)
    return report_data


def _layout(page) -> dict:
    return page.evaluate(
        """() => {
          const doc = document.documentElement;
          const tables = [...document.querySelectorAll('main table')].filter(t => t.offsetParent !== null);
          const header = document.querySelector('.site-header');
          return {
            page: [doc.scrollWidth, doc.clientWidth],
            header: header ? header.getBoundingClientRect().height : 0,
            wide: tables.filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
              .map(t => `${t.id}: ${Math.round(t.getBoundingClientRect().width)} > ${t.parentElement.clientWidth}`),
            scrolling: [...document.querySelectorAll('main .table-wrap')].filter(w => w.offsetParent !== null)
              .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('table').id),
            figures: [...document.querySelectorAll('main td, main .stat-value')].map(e => e.innerText).join(' | '),
          };
        }"""
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"monitoring-{name}.png"), full_page=True)


def _visit(page, path: str, name: str, *, dashboard: bool) -> dict:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator("main").count() == 1
    layout = _layout(page)
    _shot(page, name)
    assert layout["page"][0] <= layout["page"][1], f"{path}: the page scrolls sideways {layout['page']}"
    assert not NEGATIVE_PERCENT.search(layout["figures"]), f"{path}: a negative percentage"
    if dashboard:
        assert not layout["wide"], f"{path}: tables wider than their box: {layout['wide']}"
        assert not layout["scrolling"], f"{path}: tables scrolling sideways: {layout['scrolling']}"
        assert layout["header"] < 70, f"{path}: the menu takes {layout['header']} px, more than one line"
        _fits_a4_landscape(page, path)
    return layout


def _fits_a4_landscape(page, path: str) -> None:
    page.set_viewport_size({"width": A4_LANDSCAPE, "height": HEIGHT})
    page.emulate_media(media="print")
    try:
        layout = _layout(page)
        assert layout["page"][0] <= layout["page"][1], f"{path}: print is {layout['page'][0]} px wide"
        assert not layout["wide"], f"{path}: printed tables wider than the paper: {layout['wide']}"
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


@pytest.fixture
def screen(page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


def _key_columns_on_screen(page, table_id: str, labels: list[str]) -> None:
    for label in labels:
        heading = page.locator(f"#{table_id} thead th", has_text=label).first
        assert heading.is_visible(), f"{label} hidden"
        box = heading.bounding_box()
        assert box["x"] + box["width"] <= WIDTH, f"{label} is off-screen at x={box['x']}"


def test_kanwil_monitor_pages(screen, crowded):
    page = screen
    login(page, "kanwil_x")
    page.goto(f"{page.base_url}/")
    page.wait_for_load_state("networkidle")
    _shot(page, "kanwil-landing")
    _visit(page, f"/kanwil/?{DAY_Q}", "kanwil-dashboard", dashboard=True)
    table = page.locator("#tabel-upt")
    assert table.locator("tbody tr").count() == 32
    _key_columns_on_screen(
        page, "tabel-upt", ["UPT", "Kiriman 10.00", "Kiriman 14.00", "Kapasitas", "Tingkat hunian", "Kelebihan hunian"]
    )
    # Short names: "Kelas" goes, the full name stays in the tooltip; a name is at most two lines.
    cell = table.locator("tbody tr", has_text="Karanganyar").locator("td:not(.col-extra)").first
    assert cell.inner_text() == "Lapas IIA Karanganyar Nusakambangan"
    assert cell.get_attribute("title") == "Lapas Kelas IIA Karanganyar Nusakambangan (LP3301)"
    line = float(
        page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#tabel-upt td')).lineHeight)")
    )
    tallest = max(c.bounding_box()["height"] for c in table.locator("tbody td:nth-child(2)").all())
    assert tallest <= 2 * line + 20
    # Secondary columns sit behind the switch, and come out with it.
    assert not table.locator("th", has_text="Kode").is_visible()
    assert not table.locator("th", has_text="Narapidana").is_visible()
    page.get_by_label(re.compile(r"Tampilkan 12 kolom lain")).check()
    assert table.locator("th", has_text="Kode").is_visible()
    assert table.locator("th", has_text="Narapidana").is_visible()
    assert _layout(page)["page"][0] <= WIDTH  # every column shown: the table scrolls in its box, not the page
    page.get_by_label(re.compile(r"Tampilkan 12 kolom lain")).uncheck()
    # The header row stays on screen while the region's long table scrolls.
    page.evaluate("() => window.scrollTo(0, 1200)")
    assert table.bounding_box()["y"] < 0
    assert abs(page.locator("#tabel-upt thead th:nth-child(2)").bounding_box()["y"]) <= 1
    page.evaluate("() => window.scrollTo(0, 0)")
    # The not-sent list: the first ten, then the whole list worst first.
    silent = page.locator("#tabel-belum_kirim tbody tr")
    assert silent.count() == 10
    assert "Menampilkan 10 dari 31." in page.locator("#bagian-belum_kirim").inner_text()
    page.locator("#bagian-belum_kirim").get_by_role("link", name="Lihat semua").click()
    page.wait_for_load_state("networkidle")
    assert "/laporan/wilayah/33/kepatuhan/" in page.url
    assert page.locator("#tabel-harian tbody tr").count() == 32
    assert "Tidak kirim" in page.locator("#tabel-harian tbody tr").first.inner_text()

    _visit(page, f"/laporan/wilayah/33/kepatuhan/?{RANGE_Q}", "kanwil-compliance", dashboard=False)
    _visit(page, f"/laporan/wilayah/33/konsolidasi/?{RANGE_Q}", "kanwil-activity", dashboard=False)
    _visit(page, f"/laporan/wilayah/33/hunian/?{DAY_Q}", "kanwil-occupancy", dashboard=False)
    _visit(page, f"/laporan/wilayah/33/konsolidasi/{crowded.run2.pk}/", "kanwil-run", dashboard=False)
    _visit(page, f"/laporan/upt/LP3301/?{DAY_Q}", "kanwil-upt", dashboard=False)


def test_central_pages(screen, crowded):
    page = screen
    login(page, "pusat")
    page.goto(f"{page.base_url}/")
    page.wait_for_load_state("networkidle")
    _shot(page, "central-landing")
    _visit(page, f"/laporan/nasional/?{DAY_Q}", "central-national", dashboard=True)
    table = page.locator("#tabel-kanwil")
    assert table.locator("tbody tr").count() >= 33
    _key_columns_on_screen(
        page, "tabel-kanwil", ["Kanwil", "Tepat waktu", "Belum/tidak kirim", "Tingkat hunian", "Kelebihan hunian"]
    )
    jateng = table.get_by_role("link", name="Jawa Tengah", exact=True)
    assert jateng.count() == 1  # the province, not "Kanwil Ditjenpas Jawa Tengah" over three lines
    assert page.locator("#tabel-belum_kirim tbody tr").count() == 10
    assert "Menampilkan 10 dari 32." in page.locator("#bagian-belum_kirim").inner_text()
    assert page.locator("#bagian-belum_kirim").get_by_role("link", name="Lihat semua").count() == 1
    _visit(page, f"/laporan/wilayah/33/?{DAY_Q}", "central-region", dashboard=True)
    _visit(page, f"/laporan/nasional/kepatuhan/?{RANGE_Q}", "central-compliance", dashboard=False)
    _visit(page, f"/laporan/nasional/kepatuhan/?dari={DAY}&sampai={DAY}", "central-daily-list", dashboard=False)
    _visit(page, f"/laporan/nasional/konsolidasi/?{RANGE_Q}", "central-activity", dashboard=False)
    _visit(page, f"/laporan/nasional/konsolidasi/{crowded.run2.pk}/", "central-run", dashboard=False)
    _visit(page, f"/laporan/nasional/hunian/?{DAY_Q}", "central-occupancy", dashboard=False)


def test_admin_pages(screen, crowded):
    page = screen
    login(page, "admin")
    page.goto(f"{page.base_url}/")
    page.wait_for_load_state("networkidle")
    _shot(page, "admin-landing")
    _visit(page, f"/laporan/nasional/?{DAY_Q}", "admin-national", dashboard=True)


def test_upt_operator_pages(screen, crowded):
    page = screen
    login(page, "op_a")
    page.goto(f"{page.base_url}/")
    page.wait_for_load_state("networkidle")
    _shot(page, "operator-landing")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    layout = _visit(page, f"/laporan/upt/LP3301/?{DAY_Q}", "operator-upt-report", dashboard=False)
    assert "20,0 %" in layout["figures"]  # A's overcrowding, (600 − 500) / 500
    _visit(page, f"/laporan/upt/LP3301/konsolidasi/{crowded.run2.pk}/", "operator-upt-run", dashboard=False)
