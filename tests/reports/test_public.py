"""SDP Publik: figures without signing in, small cells hidden, cached per snapshot, rate-limited.

Hand-computed fixture (``figures``) on 10-03-2026, the run finished at 15.07 WIB; an older snapshot of
09-03 must never show. Region X (Jawa Tengah, code 33), region Y (DKI Jakarta, code 31):

    UPT     cap   tahanan napi  L    P   anak WNA  crime categories
    A (X)   500     3     120   121  2   0    4    bandar 100, korupsi 3, pidana umum 20
    B (X)   428    50     400   440  10  7    0    pengguna 450
    C (Y)  1136   300     500   780  20  0    12   pidana umum 800

UPT A: tahanan 3 → "<5", so napi 120 (= 123 − 3) is hidden "×"; P 2 → "<5", L 121 → "×"; korupsi 3 →
"<5" and the smallest other category, pidana umum 20, "×"; WNA 4 → "<5"; anak 0 stays 0.
Region X: totals 573 (tahanan 53, napi 520, L 561, P 12, anak 7, WNA 4 → "<5"). Row A: tahanan "<5",
napi "×" (row); column tahanan 53 = 3 + 50 → B's 50 "×"; then row B 450 = 50 + 400 → B's 400 "×".
Crime: korupsi 3 "<5" → pidana umum 20 "×". Nation: korupsi "<5" → bandar 100 "×" (pidana umum 820,
pengguna 450); all else shown.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from central.models import OccupancyBreakdown, OccupancySnapshot
from central.selectors.reports.public import public_version
from tests.factories import ConsolidationRunFactory, OccupancySnapshotFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def figures(world):
    run = ConsolidationRunFactory(
        snapshot_date=DAY,
        started_at=dt.datetime(2026, 3, 10, 15, 0, tzinfo=WIB),
        finished_at=dt.datetime(2026, 3, 10, 15, 7, tzinfo=WIB),
    )
    rows = {
        world.upt_a: (3, 120, 121, 2, 0, 4, {"NARKOTIKA_BANDAR": 100, "KORUPSI": 3, "PIDANA_UMUM": 20}),
        world.upt_b: (50, 400, 440, 10, 7, 0, {"NARKOTIKA_PENGGUNA": 450}),
        world.upt_c: (300, 500, 780, 20, 0, 12, {"PIDANA_UMUM": 800}),
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
    # The day before, with other figures: never shown.
    OccupancySnapshotFactory(date=DAY - dt.timedelta(days=1), upt=world.upt_a, detainees=999, sentenced=1)
    return world


def _urls(world) -> dict[str, str]:
    return {
        "national": reverse("publik:national"),
        "region": reverse("publik:region", args=[world.kanwil_x.code]),
        "unit": reverse("publik:unit", args=[world.kanwil_x.code, world.upt_a.code]),
    }


def _table(response, table_id: str) -> dict[str, list[str]]:
    """A table's rows by their first cell's text: the other cells' texts."""
    doc = lxml.html.fromstring(response.content.decode())
    rows = {}
    for tr in doc.get_element_by_id(table_id).iter("tr"):
        cells = [" ".join(c.text_content().split()) for c in tr if c.tag in ("th", "td")]
        rows[cells[0]] = cells[1:]
    return rows


def test_every_level_opens_without_signing_in_and_for_every_role(figures, client_for):
    users = {"anonymous": None, **figures.users(), "no_role": figures.no_role}
    for role, user in users.items():
        client = client_for(user)
        for level, url in _urls(figures).items():
            response = client.get(url)
            assert response.status_code == 200, (role, level)
            assert "Keadaan per 10-03-2026 15.07 WIB" in response.content.decode(), (role, level)


def test_unknown_places_answer_404(figures, client):
    figures.upt_c.is_active = False
    figures.upt_c.save()
    for url in (
        reverse("publik:region", args=["99"]),
        reverse("publik:unit", args=["99", figures.upt_a.code]),
        reverse("publik:unit", args=[figures.kanwil_x.code, "LP9999"]),
        # A UPT under another Kanwil's address, and an inactive UPT.
        reverse("publik:unit", args=[figures.kanwil_y.code, figures.upt_a.code]),
        reverse("publik:unit", args=[figures.kanwil_y.code, figures.upt_c.code]),
    ):
        assert client.get(url).status_code == 404, url


def test_writes_are_refused(figures, client):
    assert client.post(reverse("publik:national")).status_code == 405


def test_a_upt_hides_small_cells_and_their_complements(figures, client):
    response = client.get(_urls(figures)["unit"])
    assert _table(response, "tabel-status") == {"Tahanan": ["<5"], "Narapidana": ["×"], "Jumlah": ["123"]}
    assert _table(response, "tabel-jenis-kelamin") == {"Laki-laki": ["×"], "Perempuan": ["<5"]}
    crimes = _table(response, "tabel-kejahatan")
    assert crimes["Korupsi"] == ["<5"]
    assert crimes["Pidana umum"] == ["×"]
    assert crimes["Narkotika — bandar/pengedar"] == ["100"]
    assert crimes["Terorisme"] == ["0"]
    assert _table(response, "tabel-khusus") == {"Anak (di bawah 18 tahun)": ["0"], "Warga negara asing": ["<5"]}
    html = response.content.decode()
    assert "999" not in html  # the older snapshot
    assert 'id="tabel-rincian"' not in html


def test_a_region_hides_cells_recoverable_from_rows_and_columns(figures, client):
    response = client.get(_urls(figures)["region"])
    assert _table(response, "tabel-status") == {"Tahanan": ["53"], "Narapidana": ["520"], "Jumlah": ["573"]}
    assert _table(response, "tabel-khusus") == {"Anak (di bawah 18 tahun)": ["7"], "Warga negara asing": ["<5"]}
    assert _table(response, "tabel-kejahatan")["Pidana umum"] == ["×"]
    rows = _table(response, "tabel-rincian")
    assert rows[figures.upt_a.name] == ["500", "<5", "×", "123", "24,6 %"]
    assert rows[figures.upt_b.name] == ["428", "×", "×", "450", "105,1 %"]
    assert figures.upt_c.name not in rows


def test_the_nation_lists_each_region(figures, client):
    response = client.get(_urls(figures)["national"])
    assert _table(response, "tabel-status") == {"Tahanan": ["353"], "Narapidana": ["1.020"], "Jumlah": ["1.373"]}
    assert _table(response, "tabel-jenis-kelamin") == {"Laki-laki": ["1.341"], "Perempuan": ["32"]}
    assert _table(response, "tabel-khusus") == {"Anak (di bawah 18 tahun)": ["7"], "Warga negara asing": ["16"]}
    crimes = _table(response, "tabel-kejahatan")
    assert (crimes["Korupsi"], crimes["Narkotika — bandar/pengedar"], crimes["Pidana umum"]) == (["<5"], ["×"], ["820"])
    rows = _table(response, "tabel-rincian")
    assert rows[figures.kanwil_x.name] == ["928", "53", "520", "573", "61,7 %"]
    assert rows[figures.kanwil_y.name] == ["1.136", "300", "500", "800", "70,4 %"]
    doc = lxml.html.fromstring(response.content.decode())
    assert reverse("publik:region", args=[figures.kanwil_x.code]) in doc.xpath("//table[@id='tabel-rincian']//a/@href")


def test_no_snapshot_yet_says_so(world, client):
    response = client.get(reverse("publik:national"))
    assert response.status_code == 200
    assert "Belum ada data hunian yang dikonsolidasikan." in response.content.decode()


def test_the_page_carries_no_personal_data_and_no_admin_links(world, client):
    """A real consolidation of named people: their names, NIK and registration numbers never reach the page;
    a 16-year-old and a foreign national are counted (below 5, so shown as "<5")."""
    from tests.consolidation.helpers import consolidate, package, person_values, today

    sixteen = today().replace(year=today().year - 16, day=1)
    people = [
        person_values("BI/001/2025", nik="3301021705900001", full_name="Budi Santoso"),
        person_values("BI/002/2025", nik="", full_name="Siti Rahmawati", sex="P"),
        person_values(
            "BI/003/2025", nik="", full_name="Tan Ah Kow", nationality="Malaysia", passport_number="A1234567"
        ),
        person_values("BI/004/2025", nik="", full_name="Andi Pratama", birth_date=sixteen),
    ] + [person_values(f"BI/1{n:02d}/2025", nik="", full_name=f"Warga Binaan {n}") for n in range(10)]
    package(world.upt_a, persons=people)
    consolidate(world.central)
    snapshot = OccupancySnapshot.objects.get(upt=world.upt_a, date=today())
    assert (snapshot.children, snapshot.foreign_nationals) == (1, 1)
    for url in _urls(world).values():
        response = client.get(url)
        html = response.content.decode()
        for secret in ("Budi", "Siti", "Tan Ah Kow", "Andi", "Warga Binaan", "3301021705900001", "BI/0", "A1234567"):
            assert secret not in html, (url, secret)
        assert "/admin/" not in html
        assert reverse("login") in html  # the way in, for staff
    assert _table(client.get(_urls(world)["unit"]), "tabel-khusus") == {
        "Anak (di bawah 18 tahun)": ["<5"],
        "Warga negara asing": ["<5"],
    }


def test_a_page_is_served_from_the_cache_until_a_new_snapshot(figures, client, django_assert_num_queries):
    url = _urls(figures)["unit"]
    # Uncached: the version, the Kanwil and the UPT, then the day, its rows, their crime categories and the
    # run's time. Cached: the first three alone.
    with django_assert_num_queries(7):
        assert _table(client.get(url), "tabel-status")["Jumlah"] == ["123"]
    # Same snapshot rows (same version): the cached figures are served even though a count changed under them.
    OccupancySnapshot.objects.filter(upt=figures.upt_a, date=DAY).update(detainees=10)
    with django_assert_num_queries(3):
        assert _table(client.get(url), "tabel-status")["Jumlah"] == ["123"]
    with django_assert_num_queries(5):
        client.get(_urls(figures)["national"])
    with django_assert_num_queries(1):
        client.get(_urls(figures)["national"])
    # A consolidation writes new rows (a rerun of the day replaces them): shown at once.
    snapshot = OccupancySnapshot.objects.get(upt=figures.upt_a, date=DAY)
    snapshot.delete()
    snapshot.pk = None
    snapshot.save()
    assert _table(client.get(url), "tabel-status") == {"Tahanan": ["10"], "Narapidana": ["120"], "Jumlah": ["130"]}


def test_the_cache_keeps_languages_apart_and_holds_nothing_personal(figures, client_for):
    url = _urls(figures)["national"]
    central = client_for(figures.central)
    assert central.get(url).status_code == 200
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Detainees and convicts" in english.get(url).content.decode()
    anonymous = Client().get(url).content.decode()
    assert "Tahanan dan narapidana" in anonymous
    assert figures.central.get_full_name() not in anonymous
    assert figures.central.username not in anonymous
    for language in ("id", "en"):
        body = cache.get(f"publik:page:{language}:nasional:{public_version()}")
        assert body, "the figures were cached"
        assert "csrfmiddlewaretoken" not in body
        assert figures.central.get_full_name() not in body


def test_too_many_requests_from_one_address_are_refused(figures, settings):
    settings.PUBLIC_RATE_LIMIT_PER_MINUTE = 3
    url = _urls(figures)["national"]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(_urls(figures)["unit"])
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200  # another address is not affected


def test_the_login_page_links_to_the_public_page(client):
    assert reverse("publik:national") in client.get(reverse("login")).content.decode()
