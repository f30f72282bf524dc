"""Date boxes read dd-mm-yyyy in any browser: an en-US Chromium (whose <input type=date> would draw mm/dd/yyyy)
on the English pages types a remission's decree date as dd-mm-yyyy and finds that day saved and shown."""

import pytest
from django.conf import settings

from tests.browser.conftest import ARTIFACTS, login
from tests.upt.conftest import admit, days_ago  # noqa: F401  (admit: the fixture)
from upt.models import Remission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def us_page(browser, live_server):
    context = browser.new_context(
        locale="en-US", timezone_id="America/New_York", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def test_an_en_us_browser_types_dd_mm_yyyy_and_the_day_is_saved(us_page, world, admit):  # noqa: F811
    person = admit(register="B.I")
    page = us_page
    login(page, "op_a")
    page.goto(f"{page.base_url}/upt/{world.upt_a.code}/wbp/{person.pk}/remisi/")
    box = page.locator("#id_decree_date")
    assert box.get_attribute("type") == "text" and box.get_attribute("placeholder") == "dd-mm-yyyy"
    decree = days_ago(20)
    page.select_option("#id_kind", "RK")
    page.fill("#id_days", "15")
    page.fill("#id_decree_number", "PAS-5/2026")
    page.fill("#id_decree_date", decree.strftime("%d-%m-%Y"))
    page.click("button.primary")
    page.wait_for_url(f"**/wbp/{person.pk}/")
    assert Remission.objects.get(person=person).decree_date == decree
    assert decree.strftime("%d-%m-%Y") in page.locator("main").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "date-box-en-us.png"), full_page=True)
