"""At a UPT node, in Chromium: the operator signs in at the node's own server, opens a person's record,
presses "Kirim ke pusat" while the link to central is down and sees the package waiting, then delivered once
central is reachable again. Central and the node are two real servers (tests/node/conftest.py).

Screenshots at 1366×768 under test-artifacts/node-*.png.
"""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.utils import timezone

from tests.browser.conftest import ARTIFACTS
from tests.node.conftest import OPERATOR, PASSWORD, UPT_CODE, Pair, running_pair

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _dmy(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).strftime("%d-%m-%Y")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"node-{name}.png"), full_page=False)


def _attempts(pair: Pair) -> int:
    with psycopg.connect(pair.node.database_url) as conn:
        row = conn.execute("SELECT max(attempts) FROM upt_outboxpackage").fetchone()
    return row[0] or 0


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    with running_pair(tmp_path_factory.mktemp("node-journey")) as running:
        yield running


@pytest.fixture
def node_page(browser, pair):
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = pair.node.url
    yield page
    context.close()


def test_operator_at_the_node_adds_a_person_and_sees_the_package_go_from_waiting_to_delivered(node_page, pair):
    page = node_page
    page.goto(f"{page.base_url}/akun/masuk/")
    _shot(page, "1-login")
    page.fill("#id_username", OPERATOR)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/upt/{UPT_CODE}/")
    _shot(page, "2-home")

    page.goto(f"{page.base_url}/upt/{UPT_CODE}/wbp/baru/")
    page.fill("#id_reg_number", "AII.0501/2026")
    page.fill("#id_admission_date", _dmy(12))
    page.fill("#id_admission_document", "SP.Han/77/XI/2026")
    page.fill("#id_full_name", "Slamet Riyadi")
    page.select_option("#id_sex", "L")
    page.fill("#id_nik", "3301 0517 0590 0123")
    page.fill("#id_birth_place", "Cilacap")
    page.fill("#id_birth_date", "17-05-1990")
    page.select_option("#id_register", "A.II")
    page.fill("#id_register_since", _dmy(12))
    page.select_option("#id_crime_category", "NARKOTIKA_PENGGUNA")
    page.fill("#id_detention_start", _dmy(15))
    page.keyboard.press("Enter")
    page.wait_for_url("**/wbp/*/")
    assert "Data Slamet Riyadi dibuka" in page.locator(".messages").inner_text()
    _shot(page, "3-person")

    # The lapas's line to central is down when the operator sends.
    pair.proxy.set_down()
    page.click("nav.subnav >> text=Beranda UPT")
    page.wait_for_url(f"**/upt/{UPT_CODE}/")
    page.click(".submission-card >> text=Kirim ke pusat")
    page.wait_for_url(f"**/upt/{UPT_CODE}/kirim/")
    assert page.locator("h1").inner_text() == "Kirim ke pusat"
    _shot(page, "4-send")
    page.click("form.send-form button[type=submit]")
    page.wait_for_url(f"**/upt/{UPT_CODE}/kiriman/")
    assert "masuk antrean kirim" in page.locator(".messages").inner_text()
    pair.wait_for(lambda: _attempts(pair) >= 1, "the worker's first attempt")
    page.reload()
    row = page.locator("table.outbox tbody tr").first
    assert "menunggu" in row.locator(".badge").inner_text()
    assert "tidak dapat dihubungi" in row.inner_text() and "Errno" not in row.inner_text()
    assert row.inner_text().count("Percobaan berikutnya") == 1 and "dicoba lagi pada" not in row.inner_text()
    _shot(page, "5-waiting")

    pair.proxy.set_pass()  # the line is back: the node's periodic retry delivers it

    def delivered() -> bool:
        page.reload()
        return "diterima pusat" in page.locator("table.outbox tbody tr").first.locator(".badge").inner_text()

    pair.wait_for(delivered, "the package delivered")
    assert "Diterima pusat" in page.locator("table.outbox tbody tr").first.inner_text()
    _shot(page, "6-delivered")
