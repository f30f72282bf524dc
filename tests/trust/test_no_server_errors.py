"""Each input that once made the server answer 500 now gets a 4xx with a clear Indonesian message, and
nothing is stored: hostile packages (API and upload page), year-1 report dates, NUL characters.

The whole-URL fuzzing (every pattern, role and hostile value) is ``test_fuzz_urls.py``; these are the
reproductions it generalises, pinned one by one with the answer each must get.
"""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from central import package as pkg
from central.private_search import SESSION_KEY
from devtools.package_synthetic import reseal, synthetic_package
from tests.inbox.conftest import census
from tests.inbox.test_api import api_for

pytestmark = pytest.mark.django_db

LIST = "/api/v1/submissions/"
NUL_MESSAGE = "karakter NUL"


def _valid(world) -> dict:
    return synthetic_package(upt_code=world.upt_a.code, persons=2, movements=1)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _long_version(world) -> bytes:
    text = pkg.dumps(_valid(world)).decode()
    return text.replace('"format_version":1', '"format_version":' + "9" * 5000).encode()


def _with(world, change) -> bytes:
    document = _valid(world)
    change(document)
    return pkg.dumps(reseal(document, state=True))


def _id_newline(document):
    document["package_id"] += "\n"


def _uid_newline(document):
    document["movements"][0]["uid"] += "\n"


def _offset(document):
    document["generated_at"] = "2026-01-05T08:00:00+20:00"


def _year_one(document):
    document["generated_at"] = "0001-01-01T00:00:00+01:00"


HOSTILE_PACKAGES = {
    "nested 100,000 deep": lambda world: _deep(100_000),
    "gzip of a million nested": lambda world: gzip.compress(_deep(1_000_000), 9),
    "format_version of 5,000 digits": _long_version,
    "package_id ending in a newline": lambda world: _with(world, _id_newline),
    "record uid ending in a newline": lambda world: _with(world, _uid_newline),
    "generated_at at +20:00": lambda world: _with(world, _offset),
    "generated_at in year 1 east of UTC": lambda world: _with(world, _year_one),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PACKAGES))
def test_a_hostile_package_is_refused_by_the_api_with_json(world, name):
    payload = HOSTILE_PACKAGES[name](world)
    if name.startswith("gzip"):
        assert len(payload) < 4096  # the reproduction: a small file
    before = census()
    response = api_for(world.operator_a).post(LIST, data=payload, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["detail"] and body["errors"][0]["message"], body
    assert census() == before


@pytest.mark.parametrize("name", sorted(HOSTILE_PACKAGES))
def test_a_hostile_package_is_refused_by_the_upload_page(client_for, world, name):
    payload = HOSTILE_PACKAGES[name](world)
    before = census()
    response = client_for(world.operator_a).post(
        reverse("upt:package_upload", args=[world.upt_a.code]),
        {"package": SimpleUploadedFile("paket.json", payload, content_type="application/json")},
    )
    assert response.status_code == 400
    assert response.context["errors"][0]["message"]
    assert census() == before


def test_the_valid_package_of_these_reproductions_is_received(world):
    """The control: without its one hostile change, each package above is accepted."""
    response = api_for(world.operator_a).post(LIST, data=pkg.dumps(_valid(world)), content_type="application/json")
    assert response.status_code == 201, response.content[:300]


# --- Year-1 and out-of-range report dates ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["date=0001-01-01", "start=0001-01-01", "end=0001-01-01", "start=1999-12-31"])
def test_the_compliance_api_refuses_a_date_before_2000(client_for, world, query):
    response = api_for(world.central).get(f"/api/v1/reports/compliance/?{query}")
    assert response.status_code == 400, response.content[:300]
    assert "01-01-2000" in json.dumps(response.json())


def test_the_occupancy_api_refuses_year_one(world):
    response = api_for(world.central).get("/api/v1/reports/occupancy/?date=0001-01-01")
    assert response.status_code == 400
    assert "01-01-2000" in json.dumps(response.json())


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/upt/{upt}/?tanggal=0001-01-01",
        "/laporan/upt/{upt}/?tanggal=9999-12-31",
        "/laporan/nasional/?tanggal=0001-01-01",
        "/laporan/nasional/hunian/?tanggal=0001-01-01",
        "/laporan/wilayah/{kanwil}/hunian/?tanggal=0001-01-01",
        "/laporan/nasional/konsolidasi/?sampai=0001-01-01",
        "/laporan/nasional/kepatuhan/?sampai=0001-01-01",
        "/laporan/nasional/kepatuhan/?dari=0001-01-01",
        "/laporan/nasional/kepatuhan/?tanggal=0001-01-01",
    ],
)
def test_report_pages_refuse_a_day_out_of_range(client_for, world, url):
    response = client_for(world.central).get(url.format(upt=world.upt_a.code, kanwil=world.kanwil_x.code))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tanggal tidak boleh" in text


# --- NUL characters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/upt/%00/",
        "/laporan/wilayah/%00/",
        "/upt/{upt}/wbp/noreg/A%00B",
        "/upt/{upt}/wbp/?status=%00",
    ],
)
def test_a_nul_in_a_page_address_gets_the_400_page(client_for, world, url):
    response = client_for(world.operator_a).get(url.format(upt=world.upt_a.code))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("param", ["upt", "state", "kind"])
def test_a_nul_in_an_api_query_gets_json_400(world, param):
    response = api_for(world.central).get(f"{LIST}?{param}=%00")
    assert response.status_code == 400
    body = response.json()
    assert NUL_MESSAGE in body["detail"] and body["errors"][0]["code"] == "invalid_character"


def test_a_nul_in_a_form_field_or_a_cookie_is_refused(client_for, world):
    client = client_for(world.operator_a)
    url = reverse("upt:person_list", args=[world.upt_a.code])
    assert client.post(url, {"q": "a\x00b"}).status_code == 400
    assert SESSION_KEY not in client.session  # nothing kept
    # An octal escape in a quoted cookie value decodes to NUL: the session key would reach a query.
    assert client.get(url, HTTP_COOKIE='sessionid="abcdefgh\\000"').status_code == 400


def test_a_search_kept_with_a_nul_no_longer_breaks_the_register(client_for, world):
    """A session that kept a NUL search before the boundary refused it: the pages work, without the NUL."""
    client = client_for(world.operator_a)
    session = client.session
    session[SESSION_KEY] = {"tok123": "a\x00b"}
    session.save()
    response = client.get(reverse("upt:person_list", args=[world.upt_a.code]) + "?cari=tok123&halaman=2")
    assert response.status_code == 200
