"""The UPT's package pages: Kirim ke pusat, download and upload, history, detail and the correction list."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from central import package as pkg
from central.models import ConsolidationRun, RowIssue, StagedMovement, StagedPerson, Submission, ValidationRule
from devtools.package_synthetic import synthetic_package
from tests.factories import MovementFactory, PersonFactory, SubmissionFactory
from tests.inbox.conftest import census, send, with_duplicate_person

pytestmark = pytest.mark.django_db

EVERYONE = ["operator_a", "operator_b", "operator_c", "monitor_x", "monitor_y", "central", "admin", "no_role"]
# Sending is the UPT's operators' alone: visible but forbidden answers 403, another unit's UPT 404.
SUBMIT_STATUS = dict(zip(EVERYONE, [200, 404, 404, 403, 404, 403, 403, 404], strict=True))
VIEW_STATUS = dict(zip(EVERYONE, [200, 404, 404, 200, 404, 200, 200, 404], strict=True))


@pytest.fixture
def register_a(world):
    people = [PersonFactory(upt=world.upt_a, reg_number=f"AIII/{n:03d}/2026") for n in range(1, 4)]
    for person in people:
        MovementFactory(person=person, recorded_by=world.operator_a)
    return people


def url(name, world, **kwargs):
    return reverse(f"upt:{name}", kwargs={"upt_code": world.upt_a.code, **kwargs})


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", ["submission_send", "package_download", "package_upload"])
def test_sending_pages_are_for_the_upts_operators(client_for, world, register_a, who, page):
    response = client_for(getattr(world, who)).get(url(page, world))
    assert response.status_code == SUBMIT_STATUS[who]


@pytest.mark.parametrize("who", EVERYONE)
def test_posting_a_send_is_refused_to_others_with_nothing_stored(client_for, world, register_a, who):
    if who == "operator_a":
        return
    before = census()
    response = client_for(getattr(world, who)).post(
        url("submission_send", world), {"package_id": "11111111-2222-4333-8444-555555555555"}
    )
    assert response.status_code == SUBMIT_STATUS[who]
    assert census() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_history_and_corrections_are_readable_within_view_scope(client_for, world, who):
    sub = SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a)
    client = client_for(getattr(world, who))
    for page in (
        url("submission_list", world),
        url("correction_list", world),
        url("submission_detail", world, package_id=sub.package_id),
    ):
        assert client.get(page).status_code == VIEW_STATUS[who], page


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(url("submission_send", world))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_another_upts_submission_is_404_under_ones_own_upt(client_for, world):
    theirs = SubmissionFactory(upt=world.upt_b, sent_by=world.operator_b)
    response = client_for(world.operator_a).get(url("submission_detail", world, package_id=theirs.package_id))
    assert response.status_code == 404


# --- Kirim ke pusat ---------------------------------------------------------------------------------------


def _package_id(response) -> str:
    return re.search(r'name="package_id" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


def test_the_send_page_shows_what_will_be_sent_then_sends_it(client_for, world, register_a):
    client = client_for(world.operator_a)
    page = client.get(url("submission_send", world))
    html = page.content.decode()
    assert "Lengkap (seluruh data)" in html and "kiriman pertama ke pusat" in html
    assert page.context["built"].counts == {"persons": 3, "movements": 3, "remissions": 0, "deletions": 0}

    package_id = _package_id(page)
    response = client.post(url("submission_send", world), {"package_id": package_id}, follow=True)
    sub = Submission.objects.get()
    assert str(sub.package_id) == package_id and sub.channel == "web" and sub.kind == "full"
    assert response.redirect_chain[-1][0] == url("submission_detail", world, package_id=sub.package_id)
    assert "Paket diterima pusat (6 baris)" in response.content.decode()

    # The same form posted again (a double click, a reload) does not send twice.
    again = client.post(url("submission_send", world), {"package_id": package_id}, follow=True)
    assert "sudah diterima pusat sebelumnya" in again.content.decode()
    assert Submission.objects.count() == 1

    # Next time: a delta, unless the operator asks for everything.
    page = client.get(url("submission_send", world))
    assert page.context["built"].plan.kind == "delta"
    client.post(url("submission_send", world), {"package_id": _package_id(page), "full": "on"})
    assert Submission.objects.order_by("-received_at").first().kind == "full"


def test_a_tampered_send_form_is_refused(client_for, world, register_a):
    response = client_for(world.operator_a).post(url("submission_send", world), {"package_id": "bukan-uuid"})
    assert response.status_code == 200 and not Submission.objects.exists()


# --- Download and upload ----------------------------------------------------------------------------------


def test_a_downloaded_package_uploads_as_a_file_submission(client_for, world, register_a):
    client = client_for(world.operator_a)
    download = client.get(url("package_download", world))
    assert download["Content-Type"] == "application/json"
    assert re.match(r'attachment; filename="sdp-LP3301-\d{8}-\d{4}-full.json"', download["Content-Disposition"])
    document = json.loads(download.content)
    assert document["counts"]["persons"] == 3 and not Submission.objects.exists()  # downloading sends nothing

    upload = SimpleUploadedFile("paket.json", download.content, content_type="application/json")
    response = client.post(url("package_upload", world), {"package": upload})
    sub = Submission.objects.get()
    assert response.status_code == 302 and sub.channel == "file" and str(sub.package_id) == document["package_id"]
    # The same file uploaded again is not counted twice.
    client.post(url("package_upload", world), {"package": SimpleUploadedFile("paket.json", download.content)})
    assert Submission.objects.count() == 1


def test_a_compressed_download_uploads_too(client_for, world, register_a):
    client = client_for(world.operator_a)
    download = client.get(url("package_download", world), {"gz": "1"})
    assert download["Content-Type"] == "application/gzip" and download["Content-Disposition"].endswith('.json.gz"')
    assert json.loads(gzip.decompress(download.content))["kind"] == "full"
    response = client.post(url("package_upload", world), {"package": SimpleUploadedFile("p.json.gz", download.content)})
    assert response.status_code == 302 and Submission.objects.get().channel == "file"


def test_a_broken_file_shows_every_problem_and_stores_nothing(client_for, world):
    doc = synthetic_package(upt_code=world.upt_a.code, persons=2)
    doc["persons"][0]["register"] = "Z.9"
    doc["persons"][1]["sex"] = "X"
    before = census()
    response = client_for(world.operator_a).post(
        url("package_upload", world), {"package": SimpleUploadedFile("p.json", pkg.dumps(doc))}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Paket ditolak; tidak ada yang disimpan" in html
    assert "persons[0].register" in html and "persons[1].sex" in html
    assert census() == before


def test_a_file_with_a_registration_number_twice_shows_the_cause_and_stores_nothing(client_for, world):
    doc = with_duplicate_person(synthetic_package(upt_code=world.upt_a.code, persons=3))
    reg_number = doc["persons"][0]["reg_number"]
    before = census()
    response = client_for(world.operator_a).post(
        url("package_upload", world), {"package": SimpleUploadedFile("p.json", pkg.dumps(doc))}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Nomor registrasi &#x27;{reg_number}&#x27; muncul dua kali dalam paket: persons[0] dan persons[2]." in html
    assert "state_checksum" not in html
    assert census() == before


def test_a_file_of_another_upt_is_refused(client_for, world):
    theirs = pkg.dumps(synthetic_package(upt_code=world.upt_b.code, persons=1))
    response = client_for(world.operator_a).post(
        url("package_upload", world), {"package": SimpleUploadedFile("p.json", theirs)}
    )
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_an_oversized_file_is_refused(client_for, world, settings):
    settings.SUBMISSION_MAX_BYTES = 100
    response = client_for(world.operator_a).post(
        url("package_upload", world), {"package": SimpleUploadedFile("p.json", b"x" * 200)}
    )
    assert response.status_code == 400 and "melebihi batas" in response.content.decode()


# --- History, detail and the correction list --------------------------------------------------------------


def test_history_lists_state_kind_channel_and_timeliness(client_for, world, django_assert_max_num_queries):
    client = client_for(world.monitor_x)
    for size in (2, 60):
        for _ in range(size):
            SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a, on_time_occupancy=False)
        with django_assert_max_num_queries(12):
            response = client.get(url("submission_list", world))
        assert response.status_code == 200
    html = response.content.decode()
    assert "Diterima, menunggu konsolidasi" in html and "Tombol Kirim ke pusat" in html and "✗ 10.00" in html
    assert len(response.context["page"].object_list) == 50  # paginated


@pytest.fixture
def issues(world):
    """A consolidated full package of UPT A, with an error on a person and a warning on a movement."""
    doc = synthetic_package(upt_code=world.upt_a.code, persons=2, movements=2)
    sub = send(world.operator_a, doc).submission
    run = ConsolidationRun.objects.create(trigger="button", state="succeeded")
    nik = ValidationRule.objects.create(
        code="UJI_NIK", record_type="person", severity="error", message="NIK harus 16 angka dan masuk akal."
    )
    date = ValidationRule.objects.create(
        code="UJI_TANGGAL", record_type="movement", severity="warning", message="Tanggal mutasi sebelum penerimaan."
    )
    person = StagedPerson.objects.filter(submission=sub).order_by("row_no").first()
    movement = StagedMovement.objects.filter(submission=sub).order_by("row_no").first()
    RowIssue.objects.create(
        run=run,
        submission=sub,
        record_type="person",
        staged_row_id=person.pk,
        record_key=person.reg_number,
        rule=nik,
        severity="error",
        detail_code="nik",
        detail_args={"nik": "3301"},
    )
    RowIssue.objects.create(
        run=run,
        submission=sub,
        record_type="movement",
        staged_row_id=movement.pk,
        record_key=str(movement.uid),
        rule=date,
        severity="warning",
    )
    Submission.objects.filter(pk=sub.pk).update(state="partial", rows_rejected=1, rows_warned=1, run=run)
    return {"submission": sub, "person": person, "movement": movement, "doc": doc}


def test_the_correction_list_links_each_issue_to_the_record_to_fix(client_for, world, issues):
    response = client_for(world.operator_a).get(url("correction_list", world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "NIK harus 16 angka dan masuk akal." in html and "Tanggal mutasi sebelum penerimaan." in html
    rows = {r.issue.record_type: r for r in response.context["rows"]}
    # The record to open: the person itself, or the person a movement belongs to.
    assert rows["person"].person_reg_number == issues["person"].reg_number
    assert rows["movement"].person_reg_number == issues["movement"].person_reg_number
    for reg in (issues["person"].reg_number, issues["movement"].person_reg_number):
        assert reverse("upt:person_by_reg", kwargs={"upt_code": "LP3301", "reg_number": reg}) in html
    assert html.count("Belum diperbaiki") == 2

    filtered = client_for(world.operator_a).get(url("correction_list", world), {"tingkat": "warning"})
    assert [r.issue.rule_id for r in filtered.context["rows"]] == ["UJI_TANGGAL"]


def test_a_record_sent_again_shows_as_resent(client_for, world, issues):
    doc = issues["doc"]
    fixed = dict(doc["persons"][0], nik="3301011501900001")
    delta = {
        **doc,
        "kind": "delta",
        "since": "2026-11-01T00:00:00+07:00",
        "package_id": "00000000-0000-4000-8000-0000000000aa",
        "persons": [fixed],
        "movements": [],
    }
    from devtools.package_synthetic import reseal

    reseal(delta)
    delta["state_checksum"] = "0" * 64  # whatever: drift does not matter here
    send(world.operator_a, delta)
    rows = client_for(world.operator_a).get(url("correction_list", world)).context["rows"]
    resent = {r.issue.rule_id: r.resent for r in rows}
    assert resent == {"UJI_NIK": True, "UJI_TANGGAL": False}


def test_kanwil_reads_the_corrections_without_fix_links(client_for, world, issues):
    response = client_for(world.monitor_x).get(url("correction_list", world))
    assert response.status_code == 200
    assert "NIK harus 16 angka" in response.content.decode() and "Buka data" not in response.content.decode()


def test_the_detail_shows_results_and_issues(client_for, world, issues):
    sub = issues["submission"]
    response = client_for(world.operator_a).get(url("submission_detail", world, package_id=sub.package_id))
    html = response.content.decode()
    assert "Diterima sebagian" in html and "Temuan validasi: 1 galat, 1 peringatan" in html
    assert str(sub.package_id) in html


def test_the_correction_list_runs_a_fixed_number_of_queries(client_for, world, issues, django_assert_max_num_queries):
    client = client_for(world.operator_a)
    sub, person = issues["submission"], issues["person"]
    rule = ValidationRule.objects.get(code="UJI_NIK")
    for size in (3, 60):
        RowIssue.objects.bulk_create(
            RowIssue(
                run=sub.run if sub.run_id else ConsolidationRun.objects.first(),
                submission=sub,
                record_type="person",
                staged_row_id=person.pk,
                record_key=person.reg_number,
                rule=rule,
                severity="error",
            )
            for _ in range(size)
        )
        # The conflicts section and the daily checks' section (its anomalies are read only when it has
        # rows) add one query each.
        with django_assert_max_num_queries(16):
            assert client.get(url("correction_list", world)).status_code == 200


def test_the_home_page_offers_kirim_ke_pusat(client_for, world, issues):
    response = client_for(world.operator_a).get(reverse("upt:home", kwargs={"upt_code": "LP3301"}))
    html = response.content.decode()
    assert url("submission_send", world) in html and "Sudah mengirim hari ini" in html


def test_the_detail_page_runs_a_fixed_number_of_queries(client_for, world, issues, django_assert_max_num_queries):
    sub, movement = issues["submission"], issues["movement"]
    rule = ValidationRule.objects.get(code="UJI_TANGGAL")
    client = client_for(world.operator_a)
    page = url("submission_detail", world, package_id=sub.package_id)
    for size in (2, 80):
        RowIssue.objects.bulk_create(
            RowIssue(
                run=ConsolidationRun.objects.first(),
                submission=sub,
                record_type="movement",
                staged_row_id=movement.pk,
                record_key=str(movement.uid),
                rule=rule,
                severity="warning",
            )
            for _ in range(size)
        )
        with django_assert_max_num_queries(16):
            assert client.get(page).status_code == 200


def test_readers_are_not_offered_what_they_may_not_do(client_for, world):
    SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a)
    html = client_for(world.monitor_x).get(url("submission_list", world)).content.decode()
    assert url("submission_send", world) not in html and url("package_upload", world) not in html
    assert 'href="{}"'.format(reverse("upt:home", kwargs={"upt_code": "LP3301"})) not in html
    own = client_for(world.operator_a).get(url("submission_list", world)).content.decode()
    assert url("submission_send", world) in own and url("package_upload", world) in own


def test_the_fix_link_opens_the_persons_file(client_for, world):
    person = PersonFactory(upt=world.upt_a, reg_number="BI/77/2025")
    link = reverse("upt:person_by_reg", kwargs={"upt_code": "LP3301", "reg_number": person.reg_number})
    response = client_for(world.operator_a).get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("upt:person_detail", kwargs={"upt_code": "LP3301", "pk": person.pk})
