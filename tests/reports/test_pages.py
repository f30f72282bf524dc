"""What the report pages and their exports show: the user's scope only, the filters, sorting, bad input."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

RANGE = "dari=2026-03-01&sampai=2026-03-10"


def main_html(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def csv_rows(response) -> list[list[str]]:
    """The CSV as Indonesian Excel reads it: a byte-order mark, then ``;``-separated rows."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def region_pages(run_id):
    return [
        reverse("kanwil:dashboard") + "?tanggal=2026-03-10",
        reverse("laporan:region", kwargs={"code": "33"}) + "?tanggal=2026-03-10",
        reverse("laporan:region_compliance", kwargs={"code": "33"}) + "?tanggal=2026-03-10",
        reverse("laporan:region_compliance", kwargs={"code": "33"}) + f"?{RANGE}",
        reverse("laporan:region_activity", kwargs={"code": "33"}) + f"?{RANGE}",
        reverse("laporan:region_run", kwargs={"code": "33", "run_id": run_id}),
        reverse("laporan:region_occupancy", kwargs={"code": "33"}) + "?tanggal=2026-03-10",
        reverse("laporan:upt", kwargs={"code": "LP3301"}) + "?tanggal=2026-03-10",
        reverse("laporan:upt_run", kwargs={"code": "LP3301", "run_id": run_id}),
    ]


def test_a_kanwil_user_sees_only_its_region_everywhere(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    for url in region_pages(report_data.run2.pk):
        response = client.get(url)
        assert response.status_code == 200, url
        html = main_html(response)
        assert "Cipinang" not in html and "LP3101" not in html, url
        # Read only: no form that posts, no consolidation button.
        assert 'method="post"' not in html.lower(), url
        assert "Jalankan konsolidasi" not in html


def test_every_table_of_every_region_page_exports_the_region_only(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    exported = 0
    for url in region_pages(report_data.run2.pk):
        page = client.get(url)
        keys = re.findall(r'id="tabel-([a-z_]+)"', page.content.decode())
        assert keys, url
        for key in keys:
            sep = "&" if "?" in url else "?"
            for fmt in ("csv", "xlsx"):
                response = client.get(f"{url}{sep}format={fmt}&tabel={key}")
                assert response.status_code == 200, (url, key, fmt)
                assert "attachment;" in response["Content-Disposition"]
                text = response.content.decode("utf-8") if fmt == "csv" else repr(xlsx_rows(response))
                assert "Cipinang" not in text and "LP3101" not in text, (url, key)
                # The title, filters and generation time are the XLSX's; the CSV is the bare table.
                assert ("Dibuat pada" in text) == (fmt == "xlsx"), (url, key, fmt)
                exported += 1
    assert exported >= 30


def test_region_dashboard_shows_figures_and_states(client_for, report_data):
    html = main_html(client_for(report_data.world.monitor_x).get("/kanwil/?tanggal=2026-03-10"))
    assert "Kanwil Ditjenpas Jawa Tengah" in html
    assert "Karanganyar" in html and "Batu" in html
    assert '<span class="badge red">120,0 %</span>' in html  # A's occupancy rate: 600 / 500
    assert '<span class="badge red">20,0 %</span>' in html  # A's overcrowding: (600 − 500) / 500
    assert '<span class="badge yellow">100,0 %</span>' in html  # B: at capacity, not over it
    assert "1.028" in html and "110,8 %" in html and "10,8 %" in html  # region totals
    assert "Tepat waktu" in html and "Tidak kirim" in html


def test_sorting_by_a_column(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    url = "/laporan/wilayah/33/?tanggal=2026-03-10&urut="
    desc = main_html(client.get(url + "-tingkat_hunian"))
    table = desc[desc.index('id="tabel-upt"') :]
    assert table.index("Karanganyar") < table.index("Batu")
    asc = main_html(client.get(url + "tingkat_hunian"))
    table = asc[asc.index('id="tabel-upt"') :]
    assert table.index("Batu") < table.index("Karanganyar")
    assert 'aria-sort="ascending"' in asc
    # The export follows the page's order.
    rows = csv_rows(client.get(url + "tingkat_hunian&format=csv&tabel=upt"))
    names = [r[1] for r in rows if r and r[0].startswith("LP33")]
    assert names == ["Lapas Kelas I Batu Nusakambangan", "Lapas Kelas IIA Karanganyar Nusakambangan"]


def test_filter_by_upt_type(client_for, report_data):
    from tests.factories import UptFactory

    UptFactory(code="RT3399", name="Rutan Uji Semarang", upt_type="RUTAN", kanwil=report_data.world.kanwil_x)
    client = client_for(report_data.world.monitor_x)
    html = main_html(client.get("/laporan/wilayah/33/?tanggal=2026-03-10&jenis=RUTAN"))
    assert "Rutan Uji Semarang" in html and "Karanganyar" not in html
    url = "/laporan/wilayah/33/?tanggal=2026-03-10&jenis=RUTAN&tabel=upt&format="
    rows = csv_rows(client.get(url + "csv"))
    assert any("Rutan Uji Semarang" in cell for row in rows for cell in row)
    assert not any("Karanganyar" in cell for row in rows for cell in row)
    assert "Jenis UPT: Rutan" in [r[0] for r in xlsx_rows(client.get(url + "xlsx"))]


def test_csv_export_is_the_bare_table_for_indonesian_excel(client_for, report_data):
    """Header on the first row, ``;``, whole numbers plain; the title and filters are the XLSX's only."""
    url = f"/laporan/wilayah/33/kepatuhan/?{RANGE}&tabel=kepatuhan&format="
    client = client_for(report_data.world.monitor_x)
    response = client.get(url + "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbfKode;UPT;")
    rows = csv_rows(response)
    header = rows[0]
    assert header[:2] == ["Kode", "UPT"] and "Hari kirim" in header
    assert all(len(r) == len(header) for r in rows)
    text = response.content.decode("utf-8-sig")
    for metadata in ("Kepatuhan kiriman data", "Cakupan", "Periode", "Dibuat pada"):
        assert metadata not in text
    data = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[0].startswith("LP")}
    b = data["LP3302"]
    assert (b["Hari kirim"], b["Tidak kirim (hari)"], b["Beruntun terpanjang"], b["Beruntun saat ini"]) == (
        "4",
        "6",
        "4",
        "2",
    )
    assert data["LP3301"]["Terlambat 10.00 (hari)"] == "2"
    assert re.fullmatch(r"\d+,\d", b["Kepatuhan"])  # a percentage with a decimal comma, no "%"
    assert re.fullmatch(r"\d\d-\d\d-2026", b["Terakhir kirim"])  # dates as the pages write them
    assert rows[-1][0] == "Jumlah"
    # The XLSX keeps what the CSV leaves out, above its header.
    xlsx = xlsx_rows(client.get(url + "xlsx"))
    assert xlsx[0][0].startswith("Kepatuhan kiriman data — Kanwil Ditjenpas Jawa Tengah")
    assert "Cakupan: Kanwil Ditjenpas Jawa Tengah" in [r[0] for r in xlsx]
    assert "Periode: 01-03-2026 s.d. 10-03-2026" in [r[0] for r in xlsx]
    assert re.match(r"Dibuat pada: \d\d-\d\d-\d{4} \d\d\.\d\d WIB", xlsx[3][0])
    assert xlsx[5] == tuple(header)


def test_xlsx_export_has_typed_cells(client_for, report_data):
    response = client_for(report_data.world.central).get(
        "/laporan/nasional/?tanggal=2026-03-10&format=xlsx&tabel=kanwil"
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    assert rows[0][0].startswith("Dasbor pemantauan — Nasional")
    assert rows[3][0].startswith("Dibuat pada")
    header = rows[5]
    lines = {r[0]: dict(zip(header, r, strict=True)) for r in rows[6:]}
    jateng = lines["Kanwil Ditjenpas Jawa Tengah"]
    assert (jateng["UPT"], jateng["Jumlah penghuni"], jateng["Kapasitas"]) == (2, 1028, 928)
    assert jateng["Tingkat hunian"] == pytest.approx(110.8)
    assert jateng["Kelebihan hunian"] == pytest.approx(10.8)
    assert lines["Nasional"]["Jumlah penghuni"] == 1828
    assert len(lines) == 34  # 33 Kanwil and the national line


def test_national_dashboard_lists_overcrowded_and_silent_units(client_for, report_data):
    html = main_html(client_for(report_data.world.central).get("/laporan/nasional/?tanggal=2026-03-10"))
    crowded = html[html.index('id="tabel-terpadat"') :]
    assert "Karanganyar" in crowded[: crowded.index("</table>")]
    silent = html[html.index('id="tabel-belum_kirim"') :]
    silent = silent[: silent.index("</table>")]
    assert silent.index("Cipinang") < silent.index("Batu")  # 18 days of silence before 2
    assert "Karanganyar" not in silent
    assert 'href="/laporan/wilayah/33/"' in html  # drill-down Kanwil → UPT


def test_national_compliance_day_is_the_daily_list(client_for, report_data):
    html = main_html(client_for(report_data.world.central).get("/laporan/nasional/kepatuhan/?tanggal=2026-03-10"))
    assert 'id="tabel-harian"' in html
    assert "Kanwil Ditjenpas DKI Jakarta" in html


def test_run_detail_shows_reasons(client_for, report_data):
    html = main_html(
        client_for(report_data.world.monitor_x).get(f"/laporan/wilayah/33/konsolidasi/{report_data.run2.pk}/")
    )
    assert "NIK harus 16 digit." in html and "Urutan tanggal tidak masuk akal." in html
    errors_only = main_html(
        client_for(report_data.world.monitor_x).get(
            f"/laporan/wilayah/33/konsolidasi/{report_data.run2.pk}/?tingkat=error"
        )
    )
    assert "Masa penahanan lewat batas." not in errors_only


def test_occupancy_page_has_chart_data_and_vendored_library(client_for, report_data):
    response = client_for(report_data.world.monitor_x).get("/laporan/wilayah/33/hunian/?tanggal=2026-03-10&periode=30")
    body = response.content.decode()
    assert '<script id="data-tren" type="application/json">' in body
    assert "/static/vendor/chartjs/chart.umd.min.js" in body
    assert "http://" not in body.split("<main")[1] and "https://" not in body.split("<main")[1]
    assert '"occupants": [980, 1010, 1028]' in body
    assert '"capacity": [928, 928, 928]' in body


def test_vendored_chart_library_is_shipped_with_its_licence():
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor" / "chartjs"
    assert (vendor / "LICENSE.md").read_text().startswith("The MIT License")
    assert "Chart.js v4" in (vendor / "chart.umd.min.js").read_text()[:200]
    assert "sourceMappingURL" not in (vendor / "chart.umd.min.js").read_text()[-200:]


def test_print_layout(client_for, report_data):
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "sdp.css").read_text()
    print_css = css[css.index("@media print") :]
    assert ".no-print" in print_css and ".print-only { display: block" in print_css
    assert "table-header-group" in print_css
    html = client_for(report_data.world.monitor_x).get("/kanwil/?tanggal=2026-03-10").content.decode()
    assert 'class="print-meta print-only"' in html
    assert "data-print" in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/laporan/wilayah/33/?tanggal=kemarin", "Tanggal tidak valid"),
        ("/laporan/wilayah/33/?tanggal=2999-01-01", "Tanggal tidak boleh melewati hari ini"),
        ("/laporan/wilayah/33/kepatuhan/?dari=2026-03-10&sampai=2026-03-01", "Tanggal awal harus sebelum"),
        ("/laporan/wilayah/33/kepatuhan/?dari=2020-01-01&sampai=2026-03-01", "Rentang paling panjang 400 hari"),
        ("/laporan/wilayah/33/?jenis=PENJARA", "Jenis UPT tidak dikenal"),
        ("/laporan/wilayah/33/hunian/?periode=7", "Periode harus 30, 90 atau 365 hari"),
        ("/laporan/wilayah/33/konsolidasi/?dari=2026-13-01", "Tanggal tidak valid"),
    ],
)
def test_bad_filters_are_explained(client_for, report_data, url, message):
    client = client_for(report_data.world.monitor_x)
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = client.get(url + "&format=csv")
    assert export.status_code == 400
    assert message in export.content.decode()


def test_unknown_export_format_or_table_is_404(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    assert client.get("/laporan/wilayah/33/?format=pdf").status_code == 404
    assert client.get("/laporan/wilayah/33/?format=csv&tabel=tidak_ada").status_code == 404


def test_nav_links_per_role(client_for, world):
    assert "/laporan/nasional/" in client_for(world.central).get("/laporan/nasional/").content.decode()
    operator_page = client_for(world.operator_a).get("/laporan/upt/LP3301/").content.decode()
    assert 'href="/laporan/"' in operator_page
    assert "/laporan/nasional/" not in operator_page
    monitor_page = client_for(world.monitor_x).get("/kanwil/").content.decode()
    assert "/laporan/nasional/" not in monitor_page


def test_empty_database_pages_render(client_for, world):
    client = client_for(world.central)
    for url in (
        "/laporan/nasional/",
        "/laporan/nasional/kepatuhan/?dari=2026-03-01&sampai=2026-03-10",
        "/laporan/nasional/konsolidasi/",
        "/laporan/nasional/hunian/",
        "/laporan/upt/LP3301/",
    ):
        assert client.get(url).status_code == 200, url


def test_tabs_carry_the_day_and_type_and_compliance_takes_it(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    html = client.get("/laporan/wilayah/33/?tanggal=2026-03-08&jenis=LAPAS").content.decode()
    assert 'href="/laporan/wilayah/33/kepatuhan/?tanggal=2026-03-08&amp;jenis=LAPAS"' in html
    day = main_html(client.get("/laporan/wilayah/33/kepatuhan/?tanggal=2026-03-08&jenis=LAPAS"))
    assert 'value="2026-03-08"' in day and 'id="tabel-harian"' in day
    assert "08-03-2026" in day


def test_empty_period_says_so(client_for, world):
    html = main_html(client_for(world.monitor_x).get("/laporan/wilayah/33/hunian/"))
    assert "Belum ada snapshot hunian pada periode ini." in html
