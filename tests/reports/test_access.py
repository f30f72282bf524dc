"""Who may open which report page, export and API endpoint (DESIGN §4), and that nothing is writable.

Every role of the ``world`` fixture against every report URL, on its own and on other units' data:
national pages are central's and the admin's (others 403); another region's or UPT's page answers 404;
operators see only their own UPT's page. Only GET/HEAD are answered.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["operator_a", "operator_b", "operator_c", "monitor_x", "monitor_y", "central", "admin", "no_role"]
CENTRAL_ONLY = {"central": 200, "admin": 200}
REGION_X = {"monitor_x": 200, "central": 200, "admin": 200}
UPT_A = {"operator_a": 200, "monitor_x": 200, "central": 200, "admin": 200}
UPT_C = {"operator_c": 200, "monitor_y": 200, "central": 200, "admin": 200}


def national_urls(run_id):
    return [
        reverse("laporan:national"),
        reverse("laporan:national_compliance"),
        reverse("laporan:national_compliance") + "?dari=2026-03-01&sampai=2026-03-10",
        reverse("laporan:national_activity") + "?dari=2026-03-01&sampai=2026-03-10",
        reverse("laporan:national_run", kwargs={"run_id": run_id}),
        reverse("laporan:national_occupancy"),
        reverse("laporan:national") + "?format=csv&tabel=kanwil",
        reverse("laporan:national_compliance") + "?format=xlsx",
    ]


def region_urls(code, run_id):
    return [
        reverse("laporan:region", kwargs={"code": code}),
        reverse("laporan:region_compliance", kwargs={"code": code}) + "?dari=2026-03-01&sampai=2026-03-10",
        reverse("laporan:region_activity", kwargs={"code": code}) + "?dari=2026-03-01&sampai=2026-03-10",
        reverse("laporan:region_run", kwargs={"code": code, "run_id": run_id}),
        reverse("laporan:region_occupancy", kwargs={"code": code}) + "?tanggal=2026-03-10",
        reverse("laporan:region", kwargs={"code": code}) + "?format=xlsx&tabel=upt",
        reverse("laporan:region_occupancy", kwargs={"code": code}) + "?tanggal=2026-03-10&format=csv&tabel=kejahatan",
    ]


def upt_urls(code, run_id):
    return [
        reverse("laporan:upt", kwargs={"code": code}) + "?tanggal=2026-03-10",
        reverse("laporan:upt_run", kwargs={"code": code, "run_id": run_id}),
        reverse("laporan:upt", kwargs={"code": code}) + "?tanggal=2026-03-10&format=xlsx&tabel=riwayat_kiriman",
    ]


def expected(allowed: dict, role: str, otherwise: int) -> int:
    return allowed.get(role, otherwise)


@pytest.mark.parametrize("role", ROLES)
def test_national_pages_are_for_central_and_the_admin(client_for, report_data, role):
    client = client_for(getattr(report_data.world, role))
    for url in national_urls(report_data.run2.pk):
        assert client.get(url).status_code == expected(CENTRAL_ONLY, role, 403), url


@pytest.mark.parametrize("role", ROLES)
def test_region_pages_answer_404_outside_the_region(client_for, report_data, role):
    client = client_for(getattr(report_data.world, role))
    # An operator knows their own UPT's region: its pages are not theirs (403); any other region is 404.
    region_x = {**REGION_X, "operator_a": 403, "operator_b": 403}
    for url in region_urls("33", report_data.run2.pk):
        assert client.get(url).status_code == expected(region_x, role, 404), url
    region_y = {"monitor_y": 200, "central": 200, "admin": 200, "operator_c": 403}
    for url in region_urls("31", report_data.run2.pk):
        assert client.get(url).status_code == expected(region_y, role, 404), url
    assert client.get(reverse("laporan:region", kwargs={"code": "99"})).status_code in (404,)


@pytest.mark.parametrize("role", ROLES)
def test_upt_pages_for_its_operators_region_and_central(client_for, report_data, role):
    client = client_for(getattr(report_data.world, role))
    for url in upt_urls("LP3301", report_data.run2.pk):
        assert client.get(url).status_code == expected(UPT_A, role, 404), url
    for url in upt_urls("LP3101", report_data.run2.pk):
        assert client.get(url).status_code == expected(UPT_C, role, 404), url
    assert client.get(reverse("laporan:upt", kwargs={"code": "NOPE"})).status_code == 404


def test_a_run_that_does_not_exist_is_404(client_for, report_data):
    for url in (
        reverse("laporan:national_run", kwargs={"run_id": 999999}),
        reverse("laporan:region_run", kwargs={"code": "33", "run_id": 999999}),
        reverse("laporan:upt_run", kwargs={"code": "LP3301", "run_id": 999999}),
    ):
        assert client_for(report_data.world.admin).get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "status", "location"),
    [
        ("monitor_x", 200, None),
        ("monitor_y", 200, None),
        ("central", 302, "/laporan/nasional/"),
        ("admin", 302, "/laporan/nasional/"),
        ("operator_a", 403, None),
        ("no_role", 403, None),
    ],
)
def test_kanwil_start_page(client_for, world, role, status, location):
    response = client_for(getattr(world, role)).get(reverse("kanwil:dashboard"))
    assert response.status_code == status
    if location:
        assert response["Location"] == location


@pytest.mark.parametrize(
    ("role", "status", "location"),
    [
        ("monitor_x", 302, "/laporan/wilayah/33/"),
        ("monitor_y", 302, "/laporan/wilayah/31/"),
        ("central", 302, "/laporan/nasional/"),
        ("admin", 302, "/laporan/nasional/"),
        ("operator_a", 302, "/laporan/upt/LP3301/"),
        ("operator_c", 302, "/laporan/upt/LP3101/"),
        ("no_role", 403, None),
    ],
)
def test_report_index_sends_each_person_to_their_report(client_for, world, role, status, location):
    response = client_for(getattr(world, role)).get(reverse("laporan:index"))
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_a_monitor_of_two_regions_chooses(client_for, world):
    from central.roles import Role
    from central.services.roles import role_assign

    role_assign(user=world.monitor_x, role=Role.KANWIL, kanwil=world.kanwil_y)
    client = client_for(world.monitor_x)
    for url in (reverse("laporan:index"), reverse("kanwil:dashboard")):
        body = client.get(url).content.decode()
        assert "/laporan/wilayah/33/" in body and "/laporan/wilayah/31/" in body


def test_anonymous_is_sent_to_login(client, report_data):
    urls = [
        reverse("laporan:index"),
        *national_urls(report_data.run2.pk),
        *region_urls("33", report_data.run2.pk),
        *upt_urls("LP3301", report_data.run2.pk),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_report_pages_answer_only_get_and_head(client_for, report_data, method):
    """Even for the admin, who may see everything: nothing in the report area changes anything."""
    client = client_for(report_data.world.admin)
    urls = [
        reverse("laporan:index"),
        reverse("kanwil:dashboard"),
        *national_urls(report_data.run2.pk),
        *region_urls("33", report_data.run2.pk),
        *upt_urls("LP3301", report_data.run2.pk),
    ]
    for url in urls:
        assert getattr(client, method)(url).status_code == 405, (method, url)
    for url in (reverse("laporan:national"), reverse("laporan:region", kwargs={"code": "33"})):
        assert client.head(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_api_scoping_per_role(report_data, role):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(getattr(report_data.world, role))
    visible = {
        "operator_a": {"LP3301"},
        "operator_b": {"LP3302"},
        "operator_c": {"LP3101"},
        "monitor_x": {"LP3301", "LP3302"},
        "monitor_y": {"LP3101"},
        "central": {"LP3301", "LP3302", "LP3101"},
        "admin": {"LP3301", "LP3302", "LP3101"},
    }
    for path in (
        "/api/v1/reports/occupancy/?date=2026-03-10",
        "/api/v1/reports/compliance/?start=2026-03-01&end=2026-03-10",
    ):
        response = client.get(path)
        if role == "no_role":
            assert response.status_code == 403
            continue
        assert response.status_code == 200, response.content
        assert {row["upt_code"] for row in response.json()["results"]} == visible[role]
    for code in ("LP3301", "LP3101"):
        status = client.get(f"/api/v1/reports/occupancy/?upt={code}").status_code
        assert status == (200 if code in visible.get(role, set()) else (403 if role == "no_role" else 404))
    for code, upts in (("33", {"LP3301", "LP3302"}), ("31", {"LP3101"})):
        response = client.get(f"/api/v1/reports/compliance/?kanwil={code}")
        sees_region = role in ("central", "admin") or (role, code) in (("monitor_x", "33"), ("monitor_y", "31"))
        own_region = (role, code) in (("operator_a", "33"), ("operator_b", "33"), ("operator_c", "31"))
        refused = 403 if role == "no_role" or own_region else 404
        assert response.status_code == (200 if sees_region else refused), (role, code)
        if sees_region:
            assert {row["upt_code"] for row in response.json()["results"]} == upts


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_api_refuses_every_write_verb(report_data, method):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(report_data.world.admin)
    for path in ("/api/v1/reports/occupancy/", "/api/v1/reports/compliance/"):
        assert getattr(client, method)(path, {}).status_code == 405, (method, path)


def test_api_needs_authentication(client, world):
    for path in ("/api/v1/reports/occupancy/", "/api/v1/reports/compliance/"):
        assert client.get(path).status_code in (401, 403)
