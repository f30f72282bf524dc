"""Central's consolidation in real headless Chromium: the button on the national dashboard, live progress
on the run's page while a run works, and the summary when it ends. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from django.db import connection, connections

from central.models import ConsolidationRun, OccupancySnapshot
from central.services.consolidation import consolidation_execute, consolidation_request
from tests.browser.conftest import ARTIFACTS, login
from tests.consolidation.helpers import package, person_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_central_runs_a_consolidation_with_the_button(page, world):
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="", sex="?")])
    login(page, "pusat")
    assert page.url.endswith("/laporan/nasional/")  # central's start page: the one national dashboard
    assert page.locator("h1").first.inner_text() == "Nasional"
    assert "1" in page.locator(".stat", has_text="Kiriman menunggu").inner_text()
    page.click("#jalankan-konsolidasi")
    page.wait_for_url("**/laporan/nasional/konsolidasi/*/")
    run = ConsolidationRun.objects.get()
    assert run.state == "succeeded"
    assert "Berhasil" in page.locator(".facts").inner_text()
    assert "P_CODE_UNKNOWN" in page.locator("body").inner_text()
    assert "Lapas Kelas IIA Karanganyar Nusakambangan" in page.locator("body").inner_text()


def test_live_progress_then_the_summary(page, world):
    package(world.upt_a, persons=[person_values("A/1")])
    # Signed in first: central lands on the national dashboard, which reads the snapshots this test locks.
    login(page, "pusat")
    run = consolidation_request(user=world.central, trigger="button", enqueue=False).run
    params = connection.get_connection_params()
    holder = psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        autocommit=True,
    )
    holder.execute("BEGIN")
    holder.execute(f"LOCK TABLE {OccupancySnapshot._meta.db_table} IN ACCESS EXCLUSIVE MODE")

    def work():
        try:
            consolidation_execute(run_id=run.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while ConsolidationRun.objects.get(pk=run.pk).progress < 88 and time.monotonic() < deadline:
            time.sleep(0.05)
        page.goto(f"{page.base_url}/laporan/nasional/konsolidasi/{run.pk}/")
        progress = page.locator(".run-progress")
        assert "Snapshot hunian harian" in progress.inner_text() and "88" in progress.inner_text()
        assert page.locator(".progress").get_attribute("aria-valuenow") == "88"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "consolidation_live_progress.png"), full_page=True)
    finally:
        holder.close()  # the run goes on
        worker.join(60)
    # The page notices the end by itself and reloads to the summary.
    page.wait_for_selector(".facts .badge.green", timeout=15_000)
    assert "Berhasil" in page.locator(".facts").inner_text()
    assert page.locator(".run-progress").count() == 0


def test_a_kanwil_user_has_no_button(page, world):
    login(page, "kanwil_x")
    assert "Jalankan konsolidasi" not in page.locator("body").inner_text()
    response = page.goto(f"{page.base_url}/pusat/")
    assert response.status == 403
    response = page.goto(f"{page.base_url}/laporan/nasional/")
    assert response.status == 403
