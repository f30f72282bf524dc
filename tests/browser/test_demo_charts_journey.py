"""What a new user sees on day one: ``scripts/start`` seeds the demo, and central's occupancy chart already
has a line — the demo register's last 30 days — drawn by the vendored Chart.js in real Chromium."""

from io import StringIO

import pytest
from django.core.management import call_command

from central.models import Upt
from central.reference import HELD_STATUSES
from central.reference_data import reference_data_ensure
from devtools.demo_reports import DEFAULT_DAYS
from tests.browser.conftest import ARTIFACTS
from upt.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS = """() => {
  const chart = window.Chart && window.Chart.getChart(document.getElementById('grafik-hunian'));
  if (!chart) { return null; }
  return chart.getDatasetMeta(0).data.map((point, i) => [point.x, point.y, chart.data.datasets[0].data[i]]);
}"""


def test_the_demo_chart_has_points_on_day_one(browser, live_server):
    reference_data_ensure()  # an earlier transactional test may have flushed the Kanwil
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=StringIO())
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("#id_username", "pusat")
        page.fill("#id_password", "demo-sdp-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/laporan/nasional/hunian/")
        page.wait_for_load_state("networkidle")
        points = page.evaluate(POINTS)
        # The 30-day window ends today, which the first real run will add: the history's 29 days before it.
        assert points is not None and len(points) == DEFAULT_DAYS - 1
        assert all(x is not None and y is not None for x, y, _v in points)  # each drawn on the canvas
        assert len({round(x) for x, _y, _v in points}) == len(points)  # side by side, not one dot
        senders = Upt.objects.filter(submissions__isnull=False).distinct()
        held = Person.objects.filter(upt__in=senders, status__in=HELD_STATUSES).count()
        assert points[-1][2] == held  # yesterday's line ends at what the register holds
        assert not page.locator("#belum-konsolidasi").count()
        assert not page.locator(".chart-empty").count()
        page.locator("#grafik-hunian").scroll_into_view_if_needed()
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "demo_chart_day_one.png"))
        context.close()
