"""A new operator's day in real Chromium. One journey: an operator at Lapas Karanganyar Nusakambangan signs
in, enters a detainee from the keyboard, records the verdict and sends the day's package to central. Then a
transfer (after a refused form explains itself), and a release found by searching from the keyboard.
Screenshots go to test-artifacts/."""

from datetime import date

import pytest

from central.models import Submission
from tests.browser.conftest import ARTIFACTS, login
from tests.upt.conftest import days_ago, person_data
from upt.models import Person
from upt.services.common import today
from upt.services.people import person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"upt-journey-{name}.png"), full_page=True)


def dmy(day: date) -> str:
    """A date as the operator types it: dd-mm-yyyy."""
    return day.strftime("%d-%m-%Y")


def test_operator_registers_a_detainee_records_the_verdict_and_sends_the_package(page, world):
    login(page, "op_a")
    assert page.url.endswith("/upt/LP3301/")
    # "n" opens the new-person form; the cursor is in the first field.
    page.keyboard.press("n")
    page.wait_for_url("**/wbp/baru/")
    assert page.evaluate("document.activeElement.id") == "id_reg_number"
    page.keyboard.type("AII.0501/2026")
    # Date boxes are text boxes in dd-mm-yyyy, whatever the browser's language (not type=date).
    box = page.locator("#id_admission_date")
    assert box.get_attribute("type") == "text" and box.get_attribute("placeholder") == "dd-mm-yyyy"
    page.fill("#id_admission_date", dmy(days_ago(12)))
    page.fill("#id_admission_document", "SP.Han/77/XI/2026")
    assert page.locator("#id_origin_upt").is_hidden()  # only for a transfer in
    page.fill("#id_full_name", "Slamet Riyadi")
    page.select_option("#id_sex", "L")
    page.fill("#id_nik", "3301 0517 0590 0123")
    page.fill("#id_birth_place", "Cilacap")
    page.fill("#id_birth_date", "17-05-1990")
    page.select_option("#id_register", "A.II")
    assert page.locator("#id_verdict_date").is_hidden()  # the verdict part is for B registers
    page.fill("#id_register_since", dmy(days_ago(12)))
    page.select_option("#id_crime_category", "NARKOTIKA_PENGGUNA")
    page.fill("#id_detention_start", days_ago(15).isoformat())  # ISO, as a paste from an export, is taken too
    page.fill("#id_block", "A")
    page.fill("#id_cell", "3")
    shot(page, "1-form")
    page.keyboard.press("Enter")
    page.wait_for_url("**/wbp/*/")
    assert "Data Slamet Riyadi dibuka" in page.locator(".messages").inner_text()
    assert "batas penahanan a.ii" in page.locator(".key-dates").inner_text().lower()
    saved = Person.objects.get(reg_number="AII.0501/2026")
    assert (saved.birth_date, saved.admission_date, saved.register_since, saved.detention_start) == (
        date(1990, 5, 17),
        days_ago(12),
        days_ago(12),
        days_ago(15),
    )
    assert "17-05-1990" in page.locator("main").inner_text()
    shot(page, "2-detail")

    # The verdict: "m" opens the movement form; choosing a B register shows the verdict fields.
    page.keyboard.press("m")
    page.wait_for_url("**/mutasi/")
    page.select_option("#id_kind", "REGISTER_CHANGE")
    page.fill("#id_date", dmy(days_ago(1)))
    page.fill("#id_document_number", "BA-17/120/2026")
    assert page.locator("#id_verdict_date").is_hidden()
    page.select_option("#id_register_to", "B.IIa")
    assert page.locator("#id_verdict_date").is_visible()
    # The B register's book gives a new number: the next free one is proposed.
    b_number = f"BIIa.0001/{today().year}"
    assert page.input_value("#id_new_reg_number") == b_number
    page.fill("#id_verdict_date", dmy(days_ago(3)))
    page.fill("#id_verdict_number", "412/Pid.Sus/2026/PN Clp")
    page.fill("#id_sentence_months", "10")
    shot(page, "3-verdict")
    page.click("button.primary")
    page.wait_for_url("**/wbp/*/")
    person = Person.objects.get(reg_number=b_number)
    assert person.register == "B.IIa" and person.expiry_date is not None and person.verdict_date == days_ago(3)
    assert "Nomor registrasi sebelumnya: AII.0501/2026" in page.locator(".page-head").inner_text()
    assert person.expiry_date.strftime("%d-%m-%Y") in page.locator(".key-dates").inner_text()

    # The day's package: from the UPT's home, "Kirim ke pusat", see what goes, send it.
    page.click("nav.subnav >> text=Beranda UPT")
    page.wait_for_load_state("networkidle")
    page.click(".submission-card >> text=Kirim ke pusat")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Kirim ke pusat"
    shot(page, "4-package")
    page.click("form.send-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Paket diterima pusat" in page.locator(".messages").inner_text()
    submission = Submission.objects.get()
    assert (submission.upt, submission.sent_by, submission.channel) == (world.upt_a, world.operator_a, "web")
    assert submission.person_count == 1 and submission.movement_count == 2  # admission and the verdict
    shot(page, "5-sent")


def test_a_refused_transfer_explains_itself_then_goes_through(page, world):
    person = person_create(
        user=world.operator_a,
        upt=world.upt_a,
        data=person_data(full_name="Slamet Riyadi", reg_number="AII.0501/2026"),
        admission_document="SP.Han/77/XI/2026",
    )
    login(page, "op_a")
    page.goto(f"{page.base_url}/upt/{world.upt_a.code}/wbp/{person.pk}/")

    # A transfer to another UPT: a wrong choice first (its own UPT is not even offered).
    page.keyboard.press("m")
    page.wait_for_url("**/mutasi/")
    page.select_option("#id_kind", "TRANSFER_OUT")
    page.fill("#id_date", days_ago(0).isoformat())
    page.fill("#id_document_number", "PAS-9.PK.01.02/2026")
    assert page.locator(f"#id_other_upt option[value='{world.upt_a.pk}']").count() == 0
    page.click("button.primary")
    assert "Pilih UPT tujuan" in page.locator("#field-other_upt").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_other_upt"
    shot(page, "6-refused")
    page.select_option("#id_other_upt", str(world.upt_c.pk))
    page.click("button.primary")
    # A summary to confirm before the person leaves the register.
    assert world.upt_c.name in page.locator(".card").inner_text()
    shot(page, "7a-confirm-transfer")
    page.click("button[name=_confirm]")
    page.wait_for_url("**/wbp/*/")
    assert "Dipindahkan" in page.locator(".page-head").inner_text()
    assert page.locator("[data-key=m]").count() == 0  # nothing more can be recorded
    shot(page, "7-transferred")


def test_release_and_search_from_the_keyboard(page, world):
    person_create(
        user=world.operator_a,
        upt=world.upt_a,
        data=person_data(full_name="Dewi Kartika", sex="P", reg_number="AII.0600/2026"),
        admission_document="SP.Han/60/2026",
    )
    login(page, "op_a")
    page.keyboard.press("/")
    page.keyboard.type("kartika")
    page.keyboard.press("Enter")
    page.wait_for_url("**/wbp/?**")
    assert "cari=" in page.url and "kartika" not in page.url.lower()  # the name stays out of the URL
    page.click("text=Dewi Kartika")
    page.wait_for_url("**/wbp/*/")
    page.keyboard.press("m")
    page.wait_for_url("**/mutasi/")
    page.select_option("#id_kind", "RELEASE")
    page.select_option("#id_release_reason", "BEBAS_DEMI_HUKUM")
    page.fill("#id_document_number", "Pen.Hakim/12/2026")
    page.click("button.primary")
    page.wait_for_url("**/wbp/*/")
    assert "Bebas" in page.locator(".page-head").inner_text()
    assert Person.objects.get(reg_number="AII.0600/2026").status == "RELEASED"
    shot(page, "8-released")
