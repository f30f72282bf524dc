"""Hostile input in every free-text field is shown as text, never run: HTML and script, attribute
breakouts, template syntax, invisible direction marks; and exports never hand a spreadsheet a formula.

Every page that shows such a field is opened by someone who may see it, and the raw markup must not be in
the answer (Django escapes it; nothing in SDP may mark it safe)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from central.models import Conflict, ConsolidationRun, Submission
from central.services.consolidation.actions import conflict_close
from kanwil.exports import FORMULA_LEADS, spreadsheet_safe
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, today
from tests.factories import MovementFactory, PersonFactory, RemissionFactory
from tests.reports.test_pages import csv_rows, xlsx_rows
from tests.upt.conftest import person_data
from upt.services.people import person_create

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE = '{{ 7|add:7 }}{% now "Y" %}'
SHORT = '"><svg/onload=1>'  # for fields of 20 characters
LONG = f"{SCRIPT}{BREAKOUT}{TEMPLATE}"
RAW = ("<script>alert", "<img src=x", "<svg/onload")
FORMULA = '=HYPERLINK("http://contoh.test","klik")'


def assert_inert(html: str, where: str) -> None:
    for marker in RAW:
        assert marker not in html, f"{where}: raw {marker!r}"


@pytest.fixture
def hostile(world):
    person = PersonFactory(
        upt=world.upt_a,
        reg_number="AIII/1/2026'\"><i>",
        full_name=f"Budi {LONG}"[:150],
        alias=BREAKOUT,
        birth_place=SCRIPT,
        occupation=SCRIPT,
        address=LONG,
        case_number=BREAKOUT[:80],
        articles=LONG,
        court=LONG[:120],
        block=SHORT,
        cell=SHORT,
        nationality=SCRIPT,
        passport_number=SHORT,
    )
    MovementFactory(person=person, recorded_by=world.operator_a, document_number=BREAKOUT, note=LONG)
    RemissionFactory(person=person, recorded_by=world.operator_a, decree_number=BREAKOUT)
    # The same person sent by two UPTs: a conflict whose identity, detail and note are hostile.
    name = f"Siti {SCRIPT}{BREAKOUT}"
    package(world.upt_a, persons=[person_values("A/1", full_name=name), person_values(SHORT, nik="", sex="?")])
    package(
        world.upt_b,
        persons=[person_values("B/1", full_name=name, admission_date=today() - timedelta(days=5))],
        movements=[movement_values("B/1", document_number=BREAKOUT, note=LONG)],
    )
    consolidate(world.central)
    conflict = Conflict.objects.get()
    Conflict.objects.filter(pk=conflict.pk).update(detail_code="text", detail_args={"text": LONG})
    world.upt_c.name = f"{FORMULA}{SCRIPT}"
    world.upt_c.save()
    # Names the admin types: a region's, and the people's own (shown in every page's header).
    world.kanwil_y.name = f"Kanwil {BREAKOUT}"
    world.kanwil_y.save()
    for user in (world.operator_a, world.central, world.admin):
        user.first_name, user.last_name = SCRIPT, BREAKOUT
        user.save()
    return person, conflict


def _pages(world, person, conflict):
    a = world.upt_a.code
    submission = Submission.objects.filter(upt=world.upt_a).latest("received_at")
    run = ConsolidationRun.objects.latest("pk")
    operator = [
        reverse("upt:home", args=[a]),
        reverse("upt:person_list", args=[a]) + "?status=semua",
        reverse("upt:person_detail", args=[a, person.pk]),
        reverse("upt:person_update", args=[a, person.pk]),
        reverse("upt:movement_create", args=[a, person.pk]),
        reverse("upt:remission_create", args=[a, person.pk]),
        reverse("upt:submission_list", args=[a]),
        reverse("upt:submission_detail", args=[a, submission.package_id]),
        reverse("upt:correction_list", args=[a]),
    ]
    central = [
        reverse("laporan:national_run", kwargs={"run_id": run.pk}),
        reverse("central:conflict_list"),
        reverse("central:conflict_detail", args=[conflict.pk]),
        reverse("laporan:national"),
        reverse("laporan:region", kwargs={"code": world.kanwil_y.code}),
        reverse("laporan:upt", kwargs={"code": world.upt_c.code}),
        reverse("admin:upt_person_changelist"),
        reverse("admin:upt_person_change", args=[person.pk]),
        reverse("admin:upt_movement_changelist"),
        reverse("admin:central_conflict_changelist"),
        reverse("admin:central_conflict_change", args=[conflict.pk]),
        reverse("admin:central_rowissue_changelist"),
        reverse("admin:central_upt_changelist"),
        f"/api/v1/submissions/{submission.package_id}/",
    ]
    return {"operator_a": operator, "admin": central, "central": central[:6]}


def test_every_page_shows_hostile_text_as_text(client_for, world, hostile):
    person, conflict = hostile
    conflict_close(user=world.central, conflict_id=conflict.pk, state="dismissed", note=LONG)
    checked = 0
    for role, urls in _pages(world, person, conflict).items():
        client = client_for(getattr(world, role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            checked += 1
            if url.startswith("/api/"):  # JSON holds the text as it is; no browser renders it as a page
                assert response["Content-Type"] == "application/json"
                assert response["X-Content-Type-Options"] == "nosniff"
                continue
            assert_inert(response.content.decode(), f"{role} {url}")
    assert checked == 29
    # The text is there, escaped — the pages did show it.
    page = client_for(world.operator_a).get(reverse("upt:person_detail", args=[world.upt_a.code, person.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{ 7|add:7 }}" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_hostile_search_is_shown_as_text(client_for, world, hostile):
    response = client_for(world.operator_a).post(
        reverse("upt:person_list", args=[world.upt_a.code]), {"q": LONG[:100], "status": "semua"}, follow=True
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), "search")


def test_messages_naming_a_hostile_person_are_escaped(client_for, world):
    client = client_for(world.operator_a)
    data = person_data(full_name=f"Budi {SCRIPT}")
    person = person_create(user=world.operator_a, upt=world.upt_a, data=data, admission_document="SP/1")
    response = client.post(
        reverse("upt:movement_create", args=[world.upt_a.code, person.pk]),
        {"kind": "TEMP_EXIT", "exit_reason": "COURT", "date": today().isoformat(), "document_number": "X/1"},
        follow=True,
    )
    assert_inert(response.content.decode(), "message after a movement")


def test_invisible_direction_and_zero_width_marks_are_removed_on_entry(world):
    # U+202E turns the rest of a name around on screen ("Budi" + reversed text); U+200B hides a difference
    # that makes two spellings of one name look identical.
    data = person_data(full_name="Budi\u202eotnaS\u200b Wijaya", alias="Go\u200dndrong", birth_place="Cila\ufeffcap")
    person = person_create(user=world.operator_a, upt=world.upt_a, data=data, admission_document="SP/1")
    person.refresh_from_db()
    assert (person.full_name, person.alias, person.birth_place) == ("BudiotnaS Wijaya", "Gondrong", "Cilacap")


@pytest.mark.parametrize("lead", FORMULA_LEADS)
def test_the_export_helper_neutralises_every_formula_lead(lead):
    assert spreadsheet_safe(f"{lead}SUM(A1:A9)") == f"'{lead}SUM(A1:A9)"
    assert spreadsheet_safe("Lapas Cipinang") == "Lapas Cipinang"
    assert spreadsheet_safe(-5) == -5 and spreadsheet_safe(None) is None


def test_csv_and_xlsx_exports_never_carry_a_formula(client_for, report_data):
    world = report_data.world
    world.upt_a.name = FORMULA
    world.upt_a.save()
    world.upt_b.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.upt_b.save()
    client = client_for(world.monitor_x)
    url = "/laporan/wilayah/33/?tanggal=2026-03-10&tabel=upt&format="
    csv_cells = [cell for row in csv_rows(client.get(url + "csv")) for cell in row]
    xlsx_cells = [cell for row in xlsx_rows(client.get(url + "xlsx")) for cell in row if isinstance(cell, str)]
    for cells in (csv_cells, xlsx_cells):
        assert f"'{FORMULA}" in cells and "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
        assert not [c for c in cells if c.startswith(FORMULA_LEADS)]
