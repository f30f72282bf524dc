"""The header's language menu: a central user switches to English and the headings follow; the choice stays
for the next page (Django's language cookie)."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_language_menu_switches_the_page_to_english(page, world):
    login(page, "pusat")
    assert page.locator("h1").first.inner_text() == "Nasional"
    assert page.locator("html").get_attribute("lang") == "id"

    with page.expect_navigation():
        page.select_option("#lang-select", "en")  # the menu submits itself on change
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/laporan/nasional/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text() == "National"
    headings = page.locator("h2").all_inner_texts()
    assert any(h.startswith("Latest consolidation") for h in headings)
    assert not any(h.startswith("Konsolidasi terakhir") for h in headings)
    assert "Log out" in page.locator(".user-box").inner_text()

    page.click("nav.main-nav >> text=Conflicts")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "Conflicts"
