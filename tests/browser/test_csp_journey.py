"""The Content-Security-Policy in real headless Chromium: the pages SDP's users open most, the admin's and the
API docs' included, load with no CSP violation (the browser reports each blocked script, style, image or
connection as a ``securitypolicyviolation`` event and a console error), and their scripts still work under it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, login  # noqa: F401
from tests.factories import ConsolidationRunFactory, PersonFactory
from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, as a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.violatedDirective + " blocked " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


# Redoc's sidebar shows a logo from its vendor's CDN; the policy blocks it (the docs make no request outside the
# site) and Redoc hides the broken image. That one blocked image is expected; anything else is a failure.
REMOTE_LOGO = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)


class Watched:
    """One signed-in browser context that records every CSP violation of every page it opens."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
        self.context.set_default_timeout(20_000)
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.page.base_url = base_url
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda msg: self.console.append(msg.text) if "Content Security Policy" in msg.text else None,
        )

    def open(self, path: str, *, expected: tuple[str, ...] = ()) -> None:
        response = self.page.goto(f"{self.page.base_url}{path}")
        assert response.status == 200, (path, response.status)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, (path, policy)
        self.page.wait_for_load_state("networkidle")
        violations = [v for v in self.page.evaluate("() => window.__cspViolations") if not v.startswith(expected)]
        assert not violations, (path, violations)
        console = [line for line in self.console if not any(url in line for url in REMOTE_LOGO)]
        assert not console, (path, console)
        self.console.clear()

    def close(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"csp_{name}.png"), full_page=True)
        self.context.close()


def test_key_pages_load_without_a_csp_violation(browser, live_server, report_data):  # noqa: F811
    world = report_data.world
    person = PersonFactory(upt=world.upt_a)

    anonymous = Watched(browser, live_server.url)
    anonymous.open("/akun/masuk/")
    anonymous.open("/api/docs/")
    assert anonymous.page.locator(".swagger-ui .info .title").first.is_visible()  # Swagger UI started
    anonymous.open("/api/redoc/", expected=tuple(f"img-src blocked {url}" for url in REMOTE_LOGO))
    assert "SDP API" in anonymous.page.locator("h1").first.inner_text()  # Redoc rendered the schema
    anonymous.close("api_docs")

    operator = Watched(browser, live_server.url)
    login(operator.page, "op_a")
    operator.open(f"/upt/{world.upt_a.code}/")
    operator.open(f"/upt/{world.upt_a.code}/wbp/{person.pk}/")
    assert person.reg_number in operator.page.content()
    operator.open(f"/upt/{world.upt_a.code}/kiriman/")
    # The language menu submits itself on change from the static script, not an inline onchange=.
    with operator.page.expect_navigation():  # the form is posted and the page comes back in English
        operator.page.select_option("#lang-select", "en")
    assert operator.page.locator("html").get_attribute("lang") == "en"
    operator.close("operator")

    monitor = Watched(browser, live_server.url)
    login(monitor.page, "kanwil_x")
    monitor.open("/kanwil/?tanggal=2026-03-10")
    monitor.open(f"/laporan/wilayah/{world.kanwil_x.code}/hunian/?tanggal=2026-03-10")
    drawn = monitor.page.evaluate(
        "() => !!(window.Chart && window.Chart.getChart(document.getElementById('grafik-hunian')))"
    )
    assert drawn  # the vendored Chart.js draws under the policy
    monitor.close("kanwil")

    central = Watched(browser, live_server.url)
    login(central.page, "pusat")
    central.open("/laporan/nasional/?tanggal=2026-03-10")
    central.open("/laporan/nasional/hunian/?tanggal=2026-03-10")
    central.open(f"/laporan/nasional/konsolidasi/{report_data.run2.pk}/")
    running = ConsolidationRunFactory(state="running", progress=40)
    central.open("/laporan/nasional/")  # with the run's live progress on the dashboard
    central.open(f"/laporan/nasional/konsolidasi/{running.pk}/")
    width = central.page.evaluate("() => document.querySelector('.progress > span').style.width")
    assert width == "40%"  # the progress bar's width is set by the static script, not a style="" attribute
    central.close("central")

    admin = Watched(browser, live_server.url)
    login(admin.page, "admin")
    admin.open("/admin/")
    admin.open("/admin/central/upt/")
    admin.open(f"/admin/central/upt/{world.upt_a.pk}/change/")
    admin.open(f"/admin/upt/person/{person.pk}/change/")
    admin.open("/admin/auth/user/add/")
    admin.open(f"/admin/auth/user/{world.operator_a.pk}/change/")
    admin.close("admin")
