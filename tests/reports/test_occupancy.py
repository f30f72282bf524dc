"""Occupancy as Ditjenpas states it, on a small dataset computed by hand.

On 10-03-2026: UPT A (Jawa Tengah) holds 300 for 200 places — occupancy rate 150 %, overcrowding 50 %;
UPT B (Jawa Tengah) 300 for 500 — 60 %, not over capacity; UPT C (DKI Jakarta) 120 for 100 — 120 %, 20 %.
Jawa Tengah sums to 600 for 700 = 85.7 %, not over capacity (an average of the rates, 105 %, would wrongly
say 5 % over); the nation to 720 for 800 = 90 % (an average would say 110 %). No negative overcrowding
may appear anywhere: page, CSV, XLSX, API.
"""

import codecs
import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from central.selectors.reports import status as status_sel
from tests.factories import OccupancySnapshotFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
QUERY = "?tanggal=2026-03-10"
# A negative figure as a page or CSV would write it: "-12,5 %", "−12,5", "-12.5".
NEGATIVE = re.compile(r"(?<![\w\d-])[-−]\s?\d+(?:[.,]\d+)?(?:\s?%|\b)(?!-\d)")


@pytest.fixture
def occupancy(world):
    for upt, capacity, detainees, sentenced in (
        (world.upt_a, 200, 100, 200),
        (world.upt_b, 500, 100, 200),
        (world.upt_c, 100, 20, 100),
    ):
        OccupancySnapshotFactory(
            upt=upt, date=DAY, capacity=capacity, detainees=detainees, sentenced=sentenced, male=0, female=0
        )
    return world


def main_html(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def cards_html(html: str) -> str:
    cards = html[html.index('aria-label="Ringkasan"') :]
    return cards[: cards.index("</section>")]


def table_html(html: str, key: str) -> str:
    table = html[html.index(f'id="tabel-{key}"') :]
    return table[: table.index("</table>")]


def row_html(table: str, name: str) -> str:
    start = table.rindex("<tr>", 0, table.index(name))
    return table[start : table.index("</tr>", start)]


def negatives(text: str) -> list[str]:
    dates_removed = re.sub(r"\d{2,4}-\d{2}-\d{2,4}", "", text)
    return NEGATIVE.findall(dates_removed)


def test_rates_and_overcrowding_from_sums(occupancy):
    statuses = status_sel.upt_statuses(user=occupancy.central, day=DAY)
    by_code = {s.upt.code: s.occupancy for s in statuses}
    a, b, c = by_code["LP3301"], by_code["LP3302"], by_code["LP3101"]
    assert (a.occupancy_rate, a.overcrowding, a.level) == (150.0, 50.0, "red")
    assert (b.occupancy_rate, b.overcrowding, b.level) == (60.0, None, "green")
    with translation.override("id"):
        assert b.overcrowding_shown == "tidak melebihi"
    with translation.override("en"):
        assert b.overcrowding_shown == "not over capacity"
    assert (c.occupancy_rate, c.overcrowding, c.level) == (120.0, pytest.approx(20.0), "red")

    region = status_sel.status_totals([s for s in statuses if s.upt.kanwil_id == occupancy.kanwil_x.pk]).occupancy
    assert (region.total, region.capacity) == (600, 700)
    assert region.occupancy_rate == pytest.approx(600 * 100 / 700)
    assert region.overcrowding is None and region.level == "green"
    nation = status_sel.status_totals(statuses).occupancy
    assert (nation.total, nation.capacity, nation.occupancy_rate, nation.overcrowding) == (720, 800, 90.0, None)


def test_region_page_shows_the_rate_and_overcrowding_only_when_over(client_for, occupancy):
    html = main_html(client_for(occupancy.monitor_x).get("/laporan/wilayah/33/" + QUERY))
    cards = cards_html(html)
    assert re.search(r"Tingkat hunian</span><span class=\"stat-value\">85,7 %", cards)
    assert re.search(r"Kelebihan hunian</span><span class=\"stat-value\">tidak melebihi", cards)
    table = table_html(html, "upt")
    a, b = row_html(table, "Karanganyar"), row_html(table, "Batu")
    assert '<span class="badge red">150,0 %</span>' in a and '<span class="badge red">50,0 %</span>' in a
    assert '<span class="badge green">60,0 %</span>' in b and '<td class="num">tidak melebihi</td>' in b
    assert not negatives(html)


def test_national_page_lines_per_region_and_nation(client_for, occupancy):
    html = main_html(client_for(occupancy.central).get("/laporan/nasional/" + QUERY))
    cards = cards_html(html)
    assert "90,0 %" in cards and "tidak melebihi" in cards
    regions = table_html(html, "kanwil")
    jateng, dki = row_html(regions, occupancy.kanwil_x.name), row_html(regions, occupancy.kanwil_y.name)
    assert '<span class="badge green">85,7 %</span>' in jateng and "tidak melebihi" in jateng
    assert '<span class="badge red">120,0 %</span>' in dki and '<span class="badge red">20,0 %</span>' in dki
    footer = regions[regions.index("<tfoot>") :]
    assert "90,0 %" in footer and "tidak melebihi" in footer
    crowded = table_html(html, "terpadat")
    assert "Karanganyar" in crowded and "Batu" not in crowded
    assert not negatives(html)


def test_unit_page(client_for, occupancy):
    html = main_html(client_for(occupancy.monitor_x).get("/laporan/upt/LP3302/" + QUERY))
    cards = cards_html(html)
    assert "60,0 %" in cards and "tidak melebihi" in cards
    assert not negatives(html)


def test_exports_carry_the_same_figures(client_for, occupancy):
    client = client_for(occupancy.central)
    text = client.get("/laporan/nasional/" + QUERY + "&format=csv&tabel=kanwil").content.decode("utf-8")
    assert "Tingkat hunian" in text and "tidak melebihi" in text
    assert not negatives(text)
    text = client.get("/laporan/wilayah/33/" + QUERY + "&format=csv&tabel=upt").content.decode("utf-8")
    assert not negatives(text)
    line_b = next(line for line in text.splitlines() if "LP3302" in line)
    assert "tidak melebihi" in line_b

    response = client.get("/laporan/wilayah/33/" + QUERY + "&format=xlsx&tabel=upt")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[5]
    lines = {r[0]: dict(zip(header, r, strict=True)) for r in rows[6:]}
    a, b = lines["LP3301"], lines["LP3302"]
    assert (a["Tingkat hunian"], a["Kelebihan hunian"]) == (150.0, 50.0)
    assert (b["Tingkat hunian"], b["Kelebihan hunian"]) == (60.0, "tidak melebihi")
    total = next(r for r in rows if r[0] == "Jumlah")
    total_line = dict(zip(header, total, strict=True))
    assert (total_line["Tingkat hunian"], total_line["Kelebihan hunian"]) == (85.7, "tidak melebihi")
    numbers = [v for r in rows for v in r if isinstance(v, int | float)]
    assert min(numbers) >= 0


def test_csv_is_written_for_indonesian_excel_in_either_language(client_for, occupancy):
    """``;``-separated, header first, decimal comma, whole numbers without a thousands separator — in the
    English interface too (the file is for Indonesian Excel; only the words follow the reader's language)."""
    client = client_for(occupancy.central)
    url = "/laporan/wilayah/33/" + QUERY + "&format=csv&tabel=upt"

    def read() -> list[list[str]]:
        body = client.get(url).content
        assert body.startswith(codecs.BOM_UTF8)
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))

    indonesian = read()
    header = indonesian[0]
    assert header[0] == "Kode" and "Tingkat hunian" in header and "Jumlah penghuni" in header
    lines = {r[0]: dict(zip(header, r, strict=True)) for r in indonesian[1:]}
    a, b, total = lines["LP3301"], lines["LP3302"], lines["Jumlah"]
    assert (a["Jumlah penghuni"], a["Kapasitas"]) == ("300", "200")
    assert (a["Tingkat hunian"], a["Kelebihan hunian"]) == ("150,0", "50,0")
    assert (b["Tingkat hunian"], b["Kelebihan hunian"]) == ("60,0", "tidak melebihi")
    assert (total["Jumlah penghuni"], total["Kapasitas"], total["Tingkat hunian"]) == ("600", "700", "85,7")

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = read()
    assert english[0] != header and "Occupancy rate" in english[0]  # the words are English …
    rate = header.index("Tingkat hunian")
    figures = {r[0]: r for r in english[1:]}
    assert figures["LP3301"][rate] == "150,0"  # … the figures still Indonesian Excel's
    assert figures["LP3301"][header.index("Jumlah penghuni")] == "300"


def test_api_occupancy_rate_and_null_overcrowding(occupancy):
    client = APIClient()
    client.force_authenticate(occupancy.central)
    body = client.get("/api/v1/reports/occupancy/?date=2026-03-10").json()
    rows = {r["upt_code"]: r for r in body["results"]}
    a, b, c = rows["LP3301"], rows["LP3302"], rows["LP3101"]
    assert (a["occupancy_rate_percent"], a["overcrowding_percent"], a["level"]) == (150.0, 50.0, "red")
    assert (b["occupancy_rate_percent"], b["overcrowding_percent"], b["level"]) == (60.0, None, "green")
    assert c["overcrowding_percent"] == pytest.approx(20.0)
    totals = body["totals"]
    assert (totals["occupants"], totals["capacity"], totals["occupancy_rate_percent"]) == (720, 800, 90.0)
    assert totals["overcrowding_percent"] is None
    region = client.get("/api/v1/reports/occupancy/?date=2026-03-10&kanwil=33").json()["totals"]
    assert region["occupancy_rate_percent"] == pytest.approx(600 * 100 / 700)
    assert region["overcrowding_percent"] is None

    def numbers(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from numbers(item)
        elif isinstance(value, list):
            for item in value:
                yield from numbers(item)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield value

    assert min(numbers(body)) >= 0
    assert not negatives(json.dumps(body))
