"""At a UPT node, 1366×768: the node's admin opens the admin and finds its users, its periodic tasks, the UPT's
register and the reference lists (read-only), and none of central's inbox or consolidation pages; an operator
who types /admin/ finds the register alone. Screenshots: ``test-artifacts/node-admin*.png``."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_node_admin_shows_what_a_node_serves(browser, live_server, world, settings):
    settings.SDP_MODE, settings.SDP_UPT_CODE = "upt", world.upt_a.code
    settings.ROOT_URLCONF = "sdp_project.urls_node"
    ARTIFACTS.mkdir(exist_ok=True)
    for who, shot in ((world.admin, "node-admin.png"), (world.operator_a, "node-admin-operator.png")):
        context = browser.new_context(
            locale="id-ID", timezone_id="Asia/Jakarta", viewport={"width": 1366, "height": 768}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url
        try:
            login(page, who.username)
            page.goto(f"{live_server.url}/admin/")
            content = page.locator("#content").inner_text()
            page.screenshot(path=str(ARTIFACTS / shot))
            for central_only in ("Kiriman", "Konsolidasi", "Konflik", "Pemeriksaan harian", "Grup"):
                assert central_only not in content, (who.username, central_only)
            assert "UPT" in content
            if who is world.admin:
                assert "Pengguna" in content and "Tugas terjadwal" in content
            else:
                assert "Pengguna" not in content
            missing = page.goto(f"{live_server.url}/admin/central/submission/")
            assert missing is not None and missing.status == 404
            if who is world.admin:
                # A node's people operate its UPT: the user form offers that role and that UPT alone.
                page.goto(f"{live_server.url}/admin/auth/user/{world.operator_a.pk}/change/")
                roles = page.locator("#id_sdp_role option").all_inner_texts()
                assert roles == ["— tanpa peran —", "Operator UPT"], roles
                assert page.locator("#id_sdp_kanwils").count() == 0
                page.locator("#id_sdp_role").scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "node-admin-user.png"))
        finally:
            context.close()
