"""At a UPT node, 1366×768: the operator opens the correction list filled from central's feedback (fetched
over the API from the live server acting as central), then central goes down and "Perbarui dari pusat" says
so, keeping the last feedback with its time. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import pytest

from tests.api.conftest import seed_api_world
from tests.browser.conftest import ARTIFACTS, login
from tests.upt.test_feedback import held_twice
from tests.upt.test_node_sync import DOWN, node_client
from upt.node.sync import feedback_sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_correction_list_at_a_node_with_central_then_without(browser, live_server, world, settings):
    seed_api_world(world)
    held_twice(world)
    fetched = feedback_sync(world.upt_a, client=node_client(live_server, world.upt_a))
    assert fetched.ok, fetched.error
    # From here the live server is the node; its central cannot be reached.
    settings.SDP_MODE, settings.SDP_UPT_CODE = "upt", world.upt_a.code
    settings.ROOT_URLCONF = "sdp_project.urls_node"
    settings.SDP_CENTRAL_URL, settings.SDP_NODE_TOKEN, settings.SDP_NODE_TIMEOUT = DOWN, "x", 5

    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        login(page, world.operator_a.username)
        page.goto(f"{live_server.url}/upt/{world.upt_a.code}/koreksi/")
        main = page.locator("main").inner_text()
        assert "dari pusat." in main and "Umpan balik per" in main
        assert "Konflik dengan UPT lain (1)" in main and "A/1" in main and world.upt_b.name not in main
        page.screenshot(path=str(ARTIFACTS / "node-daftar-koreksi.png"))

        page.click("text=Perbarui dari pusat")
        page.wait_for_load_state("networkidle")
        main = page.locator("main").inner_text()
        assert "Pembaruan dari pusat gagal pada" in main
        assert "Yang ditampilkan adalah umpan balik terakhir yang diterima" in main
        assert "Konflik dengan UPT lain (1)" in main  # the last feedback is still shown
        page.screenshot(path=str(ARTIFACTS / "node-daftar-koreksi-pusat-mati.png"))
    finally:
        context.close()
