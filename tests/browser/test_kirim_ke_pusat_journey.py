"""The operator's daily duty in real headless Chromium: from the UPT home, "Kirim ke pusat", see what will
be sent, send it, read the result; then the history. Screenshots go to test-artifacts/."""

import pytest
from django.urls import reverse

from central.models import ConsolidationRun, RowIssue, StagedPerson, Submission, ValidationRule
from tests.browser.conftest import ARTIFACTS, login
from tests.factories import MovementFactory, PersonFactory
from upt.models import Person
from upt.services.package import package_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_sends_the_daily_package(page, world):
    for n in range(1, 4):
        person = PersonFactory(upt=world.upt_a, reg_number=f"AIII/{n:03d}/2026")
        MovementFactory(person=person, recorded_by=world.operator_a)
    login(page, "op_a")
    assert "Belum pernah mengirim ke pusat." in page.locator(".submission-card").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_beranda.png"), full_page=True)

    page.click(".submission-card >> text=Kirim ke pusat")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Kirim ke pusat"
    summary = page.locator("main").inner_text()
    assert "Lengkap (seluruh data)" in summary and "kiriman pertama ke pusat" in summary
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_pratinjau.png"), full_page=True)

    page.click("form.send-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Paket diterima pusat (6 baris)" in page.locator(".messages").inner_text()
    assert "Diterima, menunggu konsolidasi" in page.locator("main").inner_text()
    assert Submission.objects.get().channel == "web"
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_hasil.png"), full_page=True)

    page.click("nav.subnav >> text=Riwayat kiriman")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.data-table tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_riwayat.png"), full_page=True)

    # Consolidation found a problem: the correction list names it and opens the record to fix.
    submission = Submission.objects.get()
    staged = StagedPerson.objects.get(submission=submission, reg_number="AIII/002/2026")
    run = ConsolidationRun.objects.create(trigger="button", state="succeeded")
    rule = ValidationRule.objects.create(
        code="UJI_NIK", record_type="person", severity="error", message="NIK harus 16 digit angka."
    )
    RowIssue.objects.create(
        run=run,
        submission=submission,
        record_type="person",
        staged_row_id=staged.pk,
        record_key=staged.reg_number,
        rule=rule,
        severity="error",
        detail_code="nik",
        detail_args={"nik": "12345"},
    )
    page.click("nav.subnav >> text=Daftar koreksi")
    page.wait_for_load_state("networkidle")
    assert "NIK harus 16 digit angka." in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_koreksi.png"), full_page=True)
    page.click("text=Buka data")
    page.wait_for_load_state("networkidle")
    assert "AIII/002/2026" in page.locator("main").inner_text()


def test_the_second_send_of_the_day_previews_and_sends_only_the_changes(page, world):
    people = PersonFactory.create_batch(50, upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    Person.objects.filter(pk__in=[people[0].pk, people[1].pk]).update(cell="12")
    login(page, "op_a")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(page.base_url + reverse("upt:submission_send", args=[world.upt_a.code]))
    sentence = page.locator("#akan-dikirim + p").inner_text()
    assert "Berisi 2 perubahan sejak kiriman yang diterima pusat pada " in sentence and sentence.endswith(" WIB.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kirim_ke_pusat_delta.png"))

    page.click("form.send-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Paket diterima pusat (2 baris)" in page.locator(".messages").inner_text()


def test_the_api_docs_render_offline(page, world):
    # Swagger UI comes from our own static files: the page works with no route to the internet.
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "SDP API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector("text=/api/v1/submissions/")
    assert all(url.startswith(page.base_url) for url in requests), [
        u for u in requests if not u.startswith(page.base_url)
    ]
    page.screenshot(path=str(ARTIFACTS / "api_docs.png"), full_page=False)
