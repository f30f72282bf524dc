"""Feedback to operators in real Chromium at 1366×768: a conflict on the correction list and the person's
page, the warning for a detention past its limit, the confirmed transfer out, and the receiving UPT taking
in a transfer from its "Mutasi masuk". Screenshots go to test-artifacts/feedback-*.png."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.consolidation.helpers import consolidate, movement_values, package, person_values
from tests.upt.conftest import days_ago, person_data
from upt.models import Person
from upt.services.people import person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"feedback-{name}.png"))


def dmy(day) -> str:
    return day.strftime("%d-%m-%Y")


def test_operators_hear_of_conflicts_overdue_detention_and_transfers(page, world):
    page.set_viewport_size({"width": 1366, "height": 768})
    # Budi is held at A since 100 days and at B since 10 (a conflict); A has sent Siti to B.
    package(world.upt_a, persons=[person_values("A/1", nik="3301021705900001", admission_date=days_ago(100))])
    package(world.upt_b, persons=[person_values("B/7", nik="3301021705900001", admission_date=days_ago(10))])
    siti = person_values(
        "A/5",
        nik="3301025708920002",
        full_name="Siti Aminah",
        sex="P",
        birth_date=date(1992, 8, 17),
        status="TRANSFERRED",
        verdict_number="88/Pid.Sus/2025/PN Clp",
    )
    package(
        world.upt_a,
        kind="delta",
        persons=[siti],
        movements=[
            movement_values(
                "A/5",
                kind="TRANSFER_OUT",
                date=days_ago(1),
                other_upt_code=world.upt_b.code,
                document_number="PAS-7/2026",
            )
        ],
    )
    consolidate(world.central)
    budi = person_create(
        user=world.operator_a,
        upt=world.upt_a,
        data=person_data(reg_number="A/1", full_name="Budi Santoso"),
        admission_document="SP.Han/1",
    )

    login(page, "op_a")
    page.goto(f"{page.base_url}/upt/{world.upt_a.code}/koreksi/")
    assert "Konflik dengan UPT lain (1)" in page.locator("main").inner_text()
    shot(page, "1-correction-list-conflict")
    page.goto(f"{page.base_url}/upt/{world.upt_a.code}/wbp/{budi.pk}/")
    assert "juga ditahan di UPT lain" in page.locator("#konflik").locator("..").inner_text()
    shot(page, "2-person-file-conflict")

    # A detainee whose prosecutor's detention ran out long ago: saved, with a warning.
    page.goto(f"{page.base_url}/upt/{world.upt_a.code}/wbp/baru/")
    data = person_data(reg_number="AII/0300/2026", full_name="Joko Prasetyo")
    page.fill("#id_reg_number", data["reg_number"])
    page.fill("#id_admission_date", dmy(days_ago(200)))
    page.fill("#id_admission_document", "SP.Han/300/2026")
    page.fill("#id_full_name", data["full_name"])
    page.select_option("#id_sex", data["sex"])
    page.fill("#id_nik", data["nik"])
    page.fill("#id_birth_place", data["birth_place"])
    page.fill("#id_birth_date", dmy(data["birth_date"]))
    page.select_option("#id_register", "A.II")
    page.fill("#id_register_since", dmy(days_ago(200)))
    page.select_option("#id_crime_category", data["crime_category"])
    page.fill("#id_detention_start", dmy(days_ago(200)))
    page.click("form.register-form button.primary")
    page.wait_for_url("**/wbp/*/")
    assert "sudah lewat 151 hari" in page.locator(".message.warning").inner_text()
    shot(page, "3-overdue-detention-warning")

    # A transfer out: a summary first, then "Ya, pindahkan".
    page.keyboard.press("m")
    page.wait_for_url("**/mutasi/")
    page.select_option("#id_kind", "TRANSFER_OUT")
    page.fill("#id_date", dmy(days_ago(0)))
    page.fill("#id_document_number", "PAS-9.PK.01.02/2026")
    page.select_option("#id_other_upt", str(world.upt_c.pk))
    page.click("form.register-form button.primary")
    assert world.upt_c.name in page.locator(".card").inner_text()
    shot(page, "4-transfer-out-confirm")
    page.click("button[name=_confirm]")
    page.wait_for_url("**/wbp/*/")
    assert "Dipindahkan" in page.locator(".page-head").inner_text()

    # UPT B receives Siti from its "Mutasi masuk", prefilled from what UPT A recorded.
    page.context.clear_cookies()
    login(page, "op_b")
    page.goto(f"{page.base_url}/upt/{world.upt_b.code}/mutasi-masuk/")
    assert "Siti Aminah" in page.locator("table").inner_text()
    shot(page, "5-incoming-list")
    page.click("table a.button.primary")
    page.wait_for_url("**/mutasi-masuk/*/")
    assert page.input_value("#id_full_name") == "Siti Aminah"
    assert page.input_value("#id_verdict_number") == "88/Pid.Sus/2025/PN Clp"
    page.fill("#id_reg_number", "BI.0042/2026")
    shot(page, "6-incoming-accept")
    page.click("form.register-form button.primary")
    page.wait_for_url("**/wbp/*/")
    assert "diterima dari" in page.locator(".messages").inner_text()
    shot(page, "7-incoming-received")
    received = Person.objects.get(upt=world.upt_b)
    assert received.reg_number == "BI.0042/2026" and received.movements.get().other_upt == world.upt_a
