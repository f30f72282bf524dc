"""The dashboards' layout rules in the HTML and the exports (docs/REPORTS.md, "Layout at 1366 px"): secondary
columns behind the switch but in every export, short names on the page and full names in the files, the
not-sent list cut to its first rows with a link to the whole list. The browser side is
``tests/browser/test_monitoring_journey.py``."""

import pytest

from kanwil.report_tables import kanwil_short_name, upt_short_name
from kanwil.views import NOT_SENT_SHOWN
from tests.factories import UptFactory
from tests.reports.test_pages import csv_rows, main_html

pytestmark = pytest.mark.django_db

DAY_Q = "tanggal=2026-03-10"


@pytest.fixture
def silent_region(report_data):
    """Twelve more UPTs in Jawa Tengah that never sent: with B, 13 silent on the day (14 with C nationally)."""
    for n in range(12):
        UptFactory(
            code=f"LP33{n + 10:02d}", name=f"Lapas Kelas IIB Sunyi {n + 1:02d}", kanwil=report_data.world.kanwil_x
        )
    return report_data


def test_short_names(report_data):
    world = report_data.world
    assert upt_short_name(world.upt_a) == "Lapas IIA Karanganyar Nusakambangan"
    assert upt_short_name(world.upt_c) == "Lapas I Cipinang"
    assert kanwil_short_name(world.kanwil_x) == "Jawa Tengah"


def test_not_sent_list_is_cut_with_a_link_to_the_whole_list(client_for, silent_region):
    client = client_for(silent_region.world.monitor_x)
    html = main_html(client.get(f"/laporan/wilayah/33/?{DAY_Q}"))
    section = html[html.index('id="bagian-belum_kirim"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 1 + NOT_SENT_SHOWN  # the header row and the first ten
    assert "Menampilkan 10 dari 13." in section
    link = '/laporan/wilayah/33/kepatuhan/?dari=2026-03-10&amp;sampai=2026-03-10&amp;urut=hunian_10"'
    assert link in section
    whole = main_html(client.get("/laporan/wilayah/33/kepatuhan/?dari=2026-03-10&sampai=2026-03-10&urut=hunian_10"))
    assert whole.count("Sunyi") == 12
    # The export is the whole list, with full names.
    rows = csv_rows(client.get(f"/laporan/wilayah/33/?{DAY_Q}&format=csv&tabel=belum_kirim"))
    names = [r[0] for r in rows[1:]]
    assert len(names) == 13 and "Lapas Kelas IIB Sunyi 01" in names and "Lapas Kelas I Batu Nusakambangan" in names


def test_a_short_list_is_not_cut(client_for, report_data):
    html = main_html(client_for(report_data.world.monitor_x).get(f"/laporan/wilayah/33/?{DAY_Q}"))
    assert "Menampilkan" not in html and "Lihat semua" not in html


def test_secondary_columns_are_behind_the_switch_and_in_the_export(client_for, report_data):
    client = client_for(report_data.world.monitor_x)
    html = main_html(client.get(f"/laporan/wilayah/33/?{DAY_Q}"))
    table = html[html.index('id="tabel-upt"') :]
    head = table[: table.index("</thead>")]
    assert head.count('class="col-extra"') + head.count('class="num col-extra"') == 12  # the overstay counts included
    assert "Tampilkan 12 kolom lain" in html and 'class="cols-toggle" aria-controls="tabel-upt">' in html
    assert head.index("Kiriman 10.00") < head.index("Tingkat hunian") < head.index("Narapidana")
    assert 'title="Lapas Kelas IIA Karanganyar Nusakambangan (LP3301)"' in table
    # Sorted by a secondary column, the switch opens ticked so the sorted column shows.
    sorted_html = main_html(client.get(f"/laporan/wilayah/33/?{DAY_Q}&urut=-napi"))
    assert 'aria-controls="tabel-upt" checked>' in sorted_html
    # Every column is exported, the code first, with the full name.
    header, *lines = csv_rows(client.get(f"/laporan/wilayah/33/?{DAY_Q}&format=csv&tabel=upt"))
    assert header[:3] == ["Kode", "UPT", "Kiriman 10.00"]
    assert {"Jenis", "Baris lolos", "Ditolak", "Peringatan", "Konflik terbuka", "Tahanan", "Narapidana"} <= set(header)
    assert ["LP3301", "Lapas Kelas IIA Karanganyar Nusakambangan"] in [line[:2] for line in lines]


def test_national_table_names_the_province(client_for, report_data):
    html = main_html(client_for(report_data.world.central).get(f"/laporan/nasional/?{DAY_Q}"))
    table = html[html.index('id="tabel-kanwil"') :]
    assert 'title="Kanwil Ditjenpas Jawa Tengah">' in table and ">Jawa Tengah</a>" in table
    assert "Tampilkan 6 kolom lain" in html
