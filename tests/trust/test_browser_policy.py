"""What every response tells the browser: a Content-Security-Policy (django-csp) on pages, the admin, the API and
its docs, errors included; and ``Cache-Control: no-store`` wherever a person's data or a report leaves the
server (person pages, every CSV/XLSX export, the package download). Real Chromium checks that the pages load
under the policy in tests/browser/test_csp_journey.py."""

from __future__ import annotations

import pytest

from tests.factories import ConsolidationRunFactory, PersonFactory
from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, as a fixture

pytestmark = pytest.mark.django_db

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def assert_policy(response) -> None:
    policy = response["Content-Security-Policy"]
    for directive in DIRECTIVES:
        assert directive in policy, (directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def assert_no_store(response) -> None:
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


def test_every_kind_of_response_carries_the_policy(client, client_for, world):
    person = PersonFactory(upt=world.upt_a)
    anonymous = [
        "/akun/masuk/",
        "/api/docs/",
        "/api/schema/",
        "/halaman-yang-tidak-ada/",
    ]
    for path in anonymous:
        assert_policy(client.get(path))
    operator = client_for(world.operator_a)
    for path in (f"/upt/{world.upt_a.code}/", f"/upt/{world.upt_a.code}/wbp/{person.pk}/", "/api/v1/submissions/"):
        assert_policy(operator.get(path))
    admin = client_for(world.admin)
    for path in ("/admin/", f"/admin/upt/person/{person.pk}/change/"):
        assert_policy(admin.get(path))


def test_the_api_docs_inline_script_carries_the_nonce_the_header_allows(client):
    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert f"script-src 'self' 'nonce-{nonce}'" in policy


def test_redoc_allows_inline_style_only_and_keeps_scripts_nonce_only(client):
    response = client.get("/api/redoc/")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'nonce-" in script_src
    assert "fonts.googleapis.com" not in response.content.decode()


def test_no_inline_script_style_or_handler_in_sdp_pages(client_for, world):
    person = PersonFactory(upt=world.upt_a)
    running = ConsolidationRunFactory(state="running", progress=40)
    pages = [
        (world.operator_a, f"/upt/{world.upt_a.code}/"),
        (world.operator_a, f"/upt/{world.upt_a.code}/wbp/{person.pk}/"),
        (world.operator_a, f"/upt/{world.upt_a.code}/kiriman/"),
        (world.central, f"/laporan/nasional/konsolidasi/{running.pk}/"),
        (world.central, "/laporan/nasional/"),
        (world.admin, "/admin/"),
        (world.admin, "/admin/central/upt/"),
    ]
    for user, path in pages:
        html = client_for(user).get(path).content.decode()
        assert "<script>" not in html and "<style" not in html, path
        assert ' style="' not in html and " onchange=" not in html and " onclick=" not in html, path


def test_person_pages_are_never_cached(client_for, world):
    person = PersonFactory(upt=world.upt_a)
    operator = client_for(world.operator_a)
    code = world.upt_a.code
    for path in (
        f"/upt/{code}/",
        f"/upt/{code}/wbp/",
        f"/upt/{code}/wbp/baru/",
        f"/upt/{code}/wbp/{person.pk}/",
        f"/upt/{code}/wbp/{person.pk}/ubah/",
        f"/upt/{code}/wbp/{person.pk}/mutasi/",
        f"/upt/{code}/wbp/{person.pk}/remisi/",
        f"/upt/{code}/koreksi/",
    ):
        response = operator.get(path)
        assert response.status_code == 200, path
        assert_no_store(response)


def test_the_package_download_is_never_cached(client_for, world):
    PersonFactory(upt=world.upt_a)
    response = client_for(world.operator_a).get(f"/upt/{world.upt_a.code}/kirim/unduh/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert_no_store(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_report_export_is_never_cached(client_for, report_data, fmt):  # noqa: F811
    world = report_data.world
    central = client_for(world.central)
    monitor = client_for(world.monitor_x)
    region = f"/laporan/wilayah/{world.kanwil_x.code}"
    for client, path in (
        (central, "/laporan/nasional/?tanggal=2026-03-10"),
        (central, "/laporan/nasional/kepatuhan/"),
        (central, "/laporan/nasional/konsolidasi/"),
        (central, f"/laporan/nasional/konsolidasi/{report_data.run2.pk}/"),
        (central, "/laporan/nasional/hunian/?tanggal=2026-03-10"),
        (monitor, f"{region}/?tanggal=2026-03-10"),
        (monitor, f"{region}/konsolidasi/{report_data.run2.pk}/"),
        (monitor, f"/laporan/upt/{world.upt_a.code}/"),
    ):
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}format={fmt}")
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Disposition"].startswith("attachment"), path
        assert_no_store(response)
