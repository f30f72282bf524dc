"""Two journeys about who may do what, in real headless Chromium (final screens in test-artifacts/):

- a Kanwil Jawa Tengah monitor browses the region, sees a UPT's figures, and finds no way to change anything:
  every form on the way only reads, the admin shows the UPT read-only, and a write sent anyway is refused;
- the admin assigns a new operator (creates the account, gives the role Operator UPT and Lapas Karanganyar),
  and the operator signs in and lands on that UPT.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from central.models import AuditAction, AuditEvent
from central.roles import Role
from central.selectors.roles import user_role, user_upts
from tests.browser.conftest import ARTIFACTS, login
from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, as a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The forms any signed-in page may carry that write nothing of SDP's data.
HARMLESS_ACTIONS = ("/akun/keluar/", "/i18n/setlang/", "/admin/logout/")


SUBMIT = "input[type=submit], input[type=image], button:not([type]), button[type=submit]"


def writing_forms(page) -> list[str]:
    """Forms on the page that could send anything but a GET (they have a way to submit), other than signing
    out or the language. The admin's read-only change page keeps its form element but no button."""
    forms = page.eval_on_selector_all(
        "form",
        f"""forms => forms.map(f => [(f.getAttribute('method') || 'get').toLowerCase(), f.action,
                                    !!f.querySelector('{SUBMIT}')])""",
    )
    return [
        action
        for method, action, submits in forms
        if method != "get" and submits and not action.endswith(HARMLESS_ACTIONS)
    ]


def csrf_post(page, path: str, form: dict):
    """A write sent with a valid CSRF token, so that only the permission check can refuse it."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        f"{page.base_url}{path}",
        form={"csrfmiddlewaretoken": token, **form},
        headers={"X-CSRFToken": token, "Referer": f"{page.base_url}{path}"},
        max_redirects=0,
    )


def test_kanwil_monitor_sees_the_figures_and_cannot_change_anything(page, report_data):  # noqa: F811
    world = report_data.world
    login(page, "kanwil_x")
    assert page.url.endswith("/kanwil/")
    visited = {}
    page.goto(f"{page.base_url}/kanwil/?tanggal=2026-03-10")
    assert "Kanwil Ditjenpas Jawa Tengah" in page.locator("h1").inner_text()
    visited["dasbor"] = writing_forms(page)
    table = page.locator("#tabel-upt")
    assert "Cipinang" not in page.content()  # another region's UPT is not even named

    table.get_by_role("link", name="Lapas IIA Karanganyar Nusakambangan").click()  # the short name
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Karanganyar" in page.locator("h1").inner_text()
    assert "600" in main and "20,0 %" in main  # 150 tahanan + 450 narapidana against 500 places
    visited["upt"] = writing_forms(page)
    for label in ("Kepatuhan", "Konsolidasi"):
        link = page.locator("nav.subnav, .tabs, main").get_by_role("link", name=label).first
        if link.count():
            link.click()
            page.wait_for_load_state("networkidle")
            visited[label] = writing_forms(page)
    assert not any(visited.values()), visited
    # No button anywhere on these pages sends, runs or edits.
    for words in ("Kirim ke pusat", "Jalankan konsolidasi", "Simpan", "Ubah"):
        assert page.get_by_role("button", name=words).count() == 0

    # The admin shows the unit, read-only.
    page.goto(f"{page.base_url}/admin/central/upt/{world.upt_a.pk}/change/")
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("#content").get_by_text("Karanganyar").count() >= 1
    assert writing_forms(page) == []

    # Writes sent anyway, with a valid CSRF token: refused by permission, and nothing changed.
    refusals = {
        "/upt/LP3301/wbp/baru/": {"full_name": "Siapa Saja"},
        f"/admin/central/upt/{world.upt_a.pk}/change/": {"name": "Diubah", "code": world.upt_a.code},
        "/pusat/konsolidasi/jalankan/": {},
        "/upt/LP3301/kirim/": {},
    }
    for path, form in refusals.items():
        response = csrf_post(page, path, form)
        assert response.status in (403, 404), (path, response.status)
        assert "CSRF" not in response.text(), path
    world.upt_a.refresh_from_db()
    assert world.upt_a.name == "Lapas Kelas IIA Karanganyar Nusakambangan"
    page.goto(f"{page.base_url}/laporan/upt/{world.upt_a.code}/")
    page.wait_for_load_state("networkidle")


def test_admin_assigns_a_new_operator_who_then_lands_on_the_upt(page, world):
    login(page, "admin")
    page.goto(f"{page.base_url}/admin/auth/user/add/")
    page.fill("#id_username", "operator_baru")
    password = "Karanganyar-Baru-2026!"
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/auth/user/*/change/")

    page.select_option("#id_sdp_role", Role.OPERATOR.value)
    page.select_option("#id_sdp_upts_from", str(world.upt_a.pk))
    page.click("#id_sdp_upts_add")
    assert page.locator(f"#id_sdp_upts_to option[value='{world.upt_a.pk}']").count() == 1
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/auth/user/")
    assert "operator_baru" in page.locator("#result_list").inner_text()
    assert "LP3301" in page.locator("#result_list").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin_assigns_operator_list.png"), full_page=True)

    newcomer = get_user_model().objects.get(username="operator_baru")
    assert user_role(user=newcomer) is Role.OPERATOR and list(user_upts(user=newcomer)) == [world.upt_a]
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED, object_id=str(newcomer.pk)).exists()

    page.context.clear_cookies()
    login(page, "operator_baru", password)
    # The admin chose that password: the newcomer replaces it before anything else (docs/TRUST.md).
    assert "/akun/sandi/" in page.url
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Pilihan-Sendiri-2026!")
    page.fill("#id_new_password2", "Pilihan-Sendiri-2026!")
    page.click(".card button.primary")
    page.wait_for_url("**/upt/LP3301/")
    assert "Kata sandi Anda telah diganti." in page.content()
    assert "Lapas Kelas IIA Karanganyar Nusakambangan" in page.locator("h1").first.inner_text()
