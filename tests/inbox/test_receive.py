"""submission_receive: what a good package stores, and every way a package is refused with nothing stored."""

from __future__ import annotations

import gzip
import importlib
import threading
from datetime import date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from central import package as pkg
from central.models import (
    ConsolidationRun,
    DetentionLimit,
    ReceivedRecord,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    SubmissionState,
    UptSyncState,
)
from central.services.inbox import (
    PackageConflict,
    package_people,
    submission_receive,
    submission_timeliness,
    sync_full_request,
)
from devtools.package_synthetic import synthetic_package
from tests.inbox.conftest import census, edited, send, with_duplicate_person

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


# --- A good package ---------------------------------------------------------------------------------------


def test_a_full_package_is_staged_with_its_derived_columns(world, package_a):
    result = send(world.operator_a, package_a, channel="web")
    assert result.created
    sub = result.submission
    assert (sub.upt, sub.kind, sub.channel, sub.sent_by) == (world.upt_a, "full", "web", world.operator_a)
    assert sub.state == SubmissionState.RECEIVED and sub.run is None
    assert (sub.person_count, sub.movement_count, sub.remission_count, sub.deletion_count) == (3, 4, 2, 0)
    assert str(sub.package_id) == package_a["package_id"]
    assert sub.state_checksum == package_a["state_checksum"]
    assert sub.report_date == datetime.now(WIB).date()
    assert not sub.drift_detected

    people = list(StagedPerson.objects.filter(submission=sub).order_by("row_no"))
    assert [p.reg_number for p in people] == [p["reg_number"] for p in package_a["persons"]]
    first, sent = people[0], package_a["persons"][0]
    assert first.full_name == sent["full_name"] and first.nik == sent["nik"]
    assert first.admission_date == date.fromisoformat(sent["admission_date"])
    assert first.content_hash == pkg.row_hash([sent[f] for f in pkg.PERSON_FIELDS])
    assert first.name_key.startswith(first.full_name.lower())
    assert StagedMovement.objects.filter(submission=sub).count() == 4
    assert StagedRemission.objects.filter(submission=sub).count() == 2

    # Central's mirror now holds exactly the package's records, and agrees with the UPT's state.
    assert ReceivedRecord.objects.filter(upt=world.upt_a).count() == 9
    sync = UptSyncState.objects.get(upt=world.upt_a)
    assert sync.last_submission == sub and not sync.full_requested
    assert sync.received_checksum == package_a["state_checksum"]


def test_expiry_and_detention_limit_are_computed_at_receipt(world, package_a):
    def people(doc):
        sentenced, detainee = doc["persons"][0], doc["persons"][1]
        sentenced.update(
            register="B.I",
            detention_start="2025-01-10",
            sentence_years=2,
            sentence_months=0,
            sentence_days=0,
            subsidiary_months=0,
            subsidiary_days=0,
            fine_paid=False,
            remission_days=30,
        )
        detainee.update(register="A.III", register_since="2026-03-01", sentence_years=0, sentence_months=0)

    sub = send(world.operator_a, edited(package_a, people, state=True)).submission
    rows = {p.row_no: p for p in StagedPerson.objects.filter(submission=sub)}
    # 10 Jan 2025 + 2 years = 10 Jan 2027, minus 30 days of remission.
    assert rows[0].expiry_date == date(2026, 12, 11)
    limit = DetentionLimit.objects.filter(register="A.III").order_by("-effective_from").first()
    assert rows[1].expiry_date is None
    assert rows[1].detention_limit_date == date(2026, 3, 1) + timedelta(days=limit.total_days - 1)


def test_whether_a_record_s_person_came_in_the_package_is_kept_at_receipt(world, package_a):
    """Validation reads these instead of searching the run's people: a movement or remission whose person
    is in the same package says so (a movement with that person's admission date), one for a person the
    package does not carry says not."""

    def elsewhere(doc):
        doc["movements"][0]["person_reg_number"] = "DI/REGISTER/SAJA"
        doc["remissions"][0]["person_reg_number"] = "DI/REGISTER/SAJA"

    doc = edited(package_a, elsewhere, state=True)
    sub = send(world.operator_a, doc).submission
    admitted = {p["reg_number"]: date.fromisoformat(p["admission_date"]) for p in doc["persons"]}
    movements = {m.row_no: m for m in StagedMovement.objects.filter(submission=sub)}
    assert (movements[0].person_in_package, movements[0].person_admission_date) == (False, None)
    for movement in (m for row_no, m in movements.items() if row_no > 0):
        assert movement.person_in_package is True
        assert movement.person_admission_date == admitted[movement.person_reg_number]
    remissions = {r.row_no: r.person_in_package for r in StagedRemission.objects.filter(submission=sub)}
    assert remissions == {0: False, 1: True}


def test_the_latest_admission_of_a_number_is_kept_whatever_its_rows_order():
    early, late = date(2025, 1, 5), date(2026, 2, 1)
    for rows in ([("A", early), ("A", late), ("B", None)], [("A", late), ("A", None), ("A", early), ("B", None)]):
        assert package_people(rows) == {"A": late, "B": None}


def test_the_migration_gives_waiting_packages_the_person_columns_receipt_writes(world, package_a):
    """Packages received before the columns existed and not yet consolidated get them as receipt writes
    them; a consolidated package's rows keep NULL (validation then looks their people up the long way)."""
    backfill = importlib.import_module("central.migrations.0025_staged_person_in_package")._BACKFILL

    def elsewhere(doc):
        doc["movements"][1]["person_reg_number"] = "DI/REGISTER/SAJA"
        doc["remissions"][1]["person_reg_number"] = "DI/REGISTER/SAJA"

    sub = send(world.operator_a, edited(package_a, elsewhere, state=True)).submission

    def columns():
        return (
            sorted(StagedMovement.objects.values_list("row_no", "person_in_package", "person_admission_date")),
            sorted(StagedRemission.objects.values_list("row_no", "person_in_package")),
        )

    def staged_before_the_columns():
        StagedMovement.objects.update(person_in_package=None, person_admission_date=None)
        StagedRemission.objects.update(person_in_package=None)

    written = columns()
    assert {m[1] for m in written[0]} == {True, False}
    staged_before_the_columns()
    with connection.cursor() as cursor:
        for statement in backfill:
            cursor.execute(statement)
    assert columns() == written

    staged_before_the_columns()
    Submission.objects.filter(pk=sub.pk).update(state=SubmissionState.ACCEPTED)
    with connection.cursor() as cursor:
        for statement in backfill:
            cursor.execute(statement)
    assert {m[1] for m in columns()[0]} == {None} and {r[1] for r in columns()[1]} == {None}


def test_a_gzip_package_is_received(world, package_a):
    result = submission_receive(user=world.operator_a, payload=gzip.compress(pkg.dumps(package_a)), channel="api")
    assert result.created and result.submission.person_count == 3


def test_a_package_arriving_during_a_consolidation_run_waits_for_the_next(world, package_a):
    running = ConsolidationRun.objects.create(trigger="button", state="running")
    sub = send(world.operator_a, package_a).submission
    sub.refresh_from_db()
    assert sub.state == SubmissionState.RECEIVED and sub.run is None
    running.refresh_from_db()
    assert running.state == "running" and not running.submissions.exists()


@pytest.mark.parametrize(
    ("local", "report_date", "occupancy", "other"),
    [
        ("2026-11-27T09:59:59", date(2026, 11, 27), True, True),
        ("2026-11-27T10:00:00", date(2026, 11, 27), True, True),
        ("2026-11-27T10:00:01", date(2026, 11, 27), False, True),
        ("2026-11-27T14:00:00", date(2026, 11, 27), False, True),
        ("2026-11-27T14:01:00", date(2026, 11, 27), False, False),
        ("2026-11-27T23:59:00", date(2026, 11, 27), False, False),
        ("2026-11-28T00:30:00", date(2026, 11, 28), True, True),
    ],
)
def test_timeliness_is_judged_in_wib(local, report_date, occupancy, other):
    received = datetime.fromisoformat(local).replace(tzinfo=WIB).astimezone(ZoneInfo("UTC"))
    result = submission_timeliness(received)
    assert (result.report_date, result.on_time_occupancy, result.on_time_other) == (report_date, occupancy, other)


def test_deadlines_are_settings(settings):
    settings.SUBMISSION_DEADLINE_OCCUPANCY = datetime(2000, 1, 1, 8, 0).time()
    received = datetime(2026, 11, 27, 9, 0, tzinfo=WIB)
    assert not submission_timeliness(received).on_time_occupancy
    assert submission_timeliness(received).on_time_other


# --- Bad input: 400 with every problem, nothing stored ---------------------------------------------------


def _set(section, index, field, value):
    def change(doc):
        doc[section][index][field] = value

    return change


BAD_RECORDS = [
    ("format_version", lambda d: d.update(format_version=2), "unsupported_version", "format_version"),
    ("format", lambda d: d.update(format="csv"), "invalid", "format"),
    ("package_id", lambda d: d.update(package_id="not-a-uuid"), "invalid", "package_id"),
    ("kind", lambda d: d.update(kind="weekly"), "invalid_choice", "kind"),
    ("generated_at naive", lambda d: d.update(generated_at="2026-11-27T08:00:00"), "invalid", "generated_at"),
    ("unknown header", lambda d: d.update(extra=1), "unknown_field", "extra"),
    ("persons not a list", lambda d: d.update(persons={}), "invalid", "persons"),
    (
        "deletions in full",
        lambda d: d.update(deletions=[{"record_type": "person", "record_key": "X"}]),
        "invalid",
        "deletions",
    ),
    ("register", _set("persons", 1, "register", "A.9"), "invalid_choice", "persons[1].register"),
    ("crime category", _set("persons", 0, "crime_category", "BEGAL"), "invalid_choice", "persons[0].crime_category"),
    ("sex", _set("persons", 0, "sex", "X"), "invalid_choice", "persons[0].sex"),
    ("status", _set("persons", 0, "status", "GONE"), "invalid_choice", "persons[0].status"),
    ("blank name", _set("persons", 2, "full_name", ""), "required", "persons[2].full_name"),
    ("too long", _set("persons", 0, "reg_number", "R" * 41), "too_long", "persons[0].reg_number"),
    ("NUL", _set("persons", 0, "address", "Jl.\x00"), "invalid_character", "persons[0].address"),
    ("date format", _set("persons", 0, "admission_date", "27-11-2026"), "invalid_date", "persons[0].admission_date"),
    ("no such date", _set("persons", 0, "birth_date", "1990-02-30"), "invalid_date", "persons[0].birth_date"),
    ("missing date", _set("persons", 0, "admission_date", None), "required", "persons[0].admission_date"),
    ("int as text", _set("persons", 0, "sentence_years", "3"), "invalid_type", "persons[0].sentence_years"),
    ("bool as int", _set("persons", 0, "sentence_years", True), "invalid_type", "persons[0].sentence_years"),
    ("negative", _set("persons", 0, "fine_amount", -1), "out_of_range", "persons[0].fine_amount"),
    ("bool", _set("persons", 0, "fine_paid", "no"), "invalid_type", "persons[0].fine_paid"),
    ("uuid", _set("persons", 0, "uid", "ABC"), "invalid_uuid", "persons[0].uid"),
    ("movement kind", _set("movements", 0, "kind", "TELEPORT"), "invalid_choice", "movements[0].kind"),
    (
        "release reason",
        _set("movements", 1, "release_reason", "GRASI"),
        "invalid_choice",
        "movements[1].release_reason",
    ),
    ("other UPT", _set("movements", 2, "other_upt_code", "LP9999"), "unknown_upt", "movements[2].other_upt_code"),
    ("remission kind", _set("remissions", 0, "kind", "RX"), "invalid_choice", "remissions[0].kind"),
    ("remission days", _set("remissions", 0, "days", 1.5), "invalid_type", "remissions[0].days"),
    ("row not object", lambda d: d["movements"].__setitem__(0, ["x"]), "invalid_type", "movements[0]"),
    ("missing field", lambda d: d["persons"][0].pop("nik"), "missing_field", "persons[0].nik"),
    ("unknown field", lambda d: d["remissions"][0].update(extra="x"), "unknown_field", "remissions[0].extra"),
]


@pytest.mark.parametrize(("change", "code", "path"), [c[1:] for c in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS])
def test_each_bad_package_is_refused_with_nothing_stored(world, package_a, change, code, path):
    before = census()
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, edited(package_a, change))
    assert {"path": path, "code": code} in [{"path": e["path"], "code": e["code"]} for e in caught.value.errors]
    assert all(e["message"] for e in caught.value.errors)  # every error says what is wrong, in Indonesian
    assert census() == before


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "malformed"),
        (b"[1, 2]", "malformed"),
        (b"\xff\xfe\x00", "malformed"),
        (b"", "malformed"),
        (b"\x1f\x8b\x08\x00corrupt", "malformed"),
        (b'{"format": "sdp-upt-package"}', "required"),
    ],
)
def test_unreadable_packages_are_refused(world, payload, code):
    before = census()
    with pytest.raises(pkg.PackageRejected) as caught:
        submission_receive(user=world.operator_a, payload=payload, channel="api")
    assert caught.value.errors[0]["code"] == code
    assert census() == before


def test_an_oversized_package_is_refused(world, package_a, settings):
    settings.SUBMISSION_MAX_BYTES = 2000
    before = census()
    for payload in (pkg.dumps(package_a), gzip.compress(pkg.dumps(package_a))):  # the limit is on the JSON
        assert len(pkg.dumps(package_a)) > 2000
        with pytest.raises(pkg.PackageRejected) as caught:
            submission_receive(user=world.operator_a, payload=payload, channel="api")
        assert caught.value.errors[0]["code"] == "too_large"
    assert census() == before


def test_counts_must_match_the_records(world, package_a):
    doc = edited(package_a, lambda d: None)
    doc["counts"]["movements"] = 5
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, doc)
    assert [e["code"] for e in caught.value.errors] == ["count_mismatch"]
    assert not Submission.objects.exists()


def test_a_record_changed_in_transit_breaks_the_checksum(world, package_a):
    package_a["persons"][0]["full_name"] = "Nama Diubah"  # not resealed
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, package_a)
    assert caught.value.errors == [
        {"path": "records_checksum", "code": "checksum_mismatch", "message": caught.value.errors[0]["message"]}
    ]
    assert not Submission.objects.exists() and not StagedPerson.objects.exists()


def test_a_full_package_must_declare_its_own_state(world, package_a):
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, dict(package_a, state_checksum="0" * 64))
    assert caught.value.errors[0]["code"] == "state_checksum_mismatch"


def test_a_registration_number_twice_in_a_full_package_is_refused_naming_both_rows(world, package_a):
    """Not a state_checksum_mismatch: the sender hashed both rows as the docs say; the cause is named."""
    doc = with_duplicate_person(package_a)
    reg_number = doc["persons"][0]["reg_number"]
    before = census()
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, doc)
    [error] = caught.value.errors
    assert (error["path"], error["code"]) == ("persons[2].reg_number", "duplicate_registration_number")
    assert f"'{reg_number}'" in error["message"]
    assert "persons[0]" in error["message"] and "persons[2]" in error["message"]
    assert census() == before


def test_a_key_twice_in_a_delta_is_refused_too(world, package_a):
    send(world.operator_a, package_a)
    delta = with_duplicate_person(
        edited(package_a, lambda d: d.update(kind="delta", since="2026-11-01T00:00:00+07:00", package_id=str(uuid4())))
    )
    before = census()
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, delta)
    assert [e["code"] for e in caught.value.errors] == ["duplicate_registration_number"]
    assert census() == before


def test_a_movement_uid_twice_is_refused(world, package_a):
    doc = edited(package_a, lambda d: d["movements"][3].update(uid=d["movements"][1]["uid"]), state=True)
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, doc)
    assert [(e["path"], e["code"]) for e in caught.value.errors] == [("movements[3].uid", "duplicate_uid")]
    assert not Submission.objects.exists()


def test_the_first_package_of_a_upt_must_be_full(world, package_a):
    delta = edited(package_a, lambda d: d.update(kind="delta", since="2026-11-01T00:00:00+07:00"))
    before = census()
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, delta)
    assert caught.value.errors[0]["code"] == "full_required"
    assert census() == before


def test_many_errors_are_reported_at_once_but_capped(world):
    doc = synthetic_package(upt_code=world.upt_a.code, persons=300)
    for row in doc["persons"]:
        row["register"] = "X"
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, doc)
    assert len(caught.value.errors) == pkg.MAX_REPORTED_ERRORS and caught.value.truncated


def test_a_package_must_match_the_upt_it_is_uploaded_for(world, package_a):
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, package_a, expected_upt=world.upt_b)
    assert caught.value.errors[0]["code"] == "upt_mismatch"
    assert not Submission.objects.exists()


def test_an_inactive_upt_sends_nothing(world, package_a):
    world.upt_a.is_active = False
    world.upt_a.save()
    with pytest.raises(pkg.PackageRejected) as caught:
        send(world.operator_a, package_a)
    assert caught.value.errors[0]["code"] == "upt_inactive"


# --- Who may send -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator_b", "operator_c", "monitor_x", "monitor_y", "central", "admin", "no_role"])
def test_only_the_upts_own_operators_send_its_package(world, package_a, who):
    before = census()
    with pytest.raises(PermissionDenied):
        send(getattr(world, who), package_a)
    assert census() == before


def test_an_unknown_upt_is_refused_like_another_units(world, package_a):
    with pytest.raises(PermissionDenied):
        send(world.operator_a, dict(package_a, upt_code="LP0000"))


# --- Idempotency ------------------------------------------------------------------------------------------


def test_the_same_package_twice_returns_the_original(world, package_a):
    first = send(world.operator_a, package_a)
    before = census()
    again = send(world.operator_a, dict(package_a, generated_at="2026-11-27T23:00:00+07:00"), channel="file")
    assert not again.created and again.submission.pk == first.submission.pk
    assert census() == before


def test_the_same_package_id_with_other_content_is_a_conflict(world, package_a):
    send(world.operator_a, package_a)
    before = census()
    changed = edited(package_a, _set("persons", 0, "full_name", "Orang Lain"), state=True)
    with pytest.raises(PackageConflict):
        send(world.operator_a, changed)
    assert census() == before


def test_a_package_id_of_another_upt_is_a_conflict(world, package_a):
    send(world.operator_a, package_a)
    theirs = synthetic_package(upt_code=world.upt_b.code, persons=1, package_id=package_a["package_id"])
    with pytest.raises(PackageConflict):
        send(world.operator_b, theirs)


def _concurrently(calls):
    """Run the calls at the same moment in threads (each with its own database connection)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_identical_concurrent_requests_stage_once(world, package_a):
    payload = pkg.dumps(package_a)
    results = _concurrently([lambda: submission_receive(user=world.operator_a, payload=payload, channel="api")] * 2)
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].submission.pk == results[1].submission.pk
    assert Submission.objects.count() == 1
    assert StagedPerson.objects.count() == 3 and StagedMovement.objects.count() == 4
    assert ReceivedRecord.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_id_and_different_content(world, package_a):
    other = edited(package_a, _set("persons", 0, "full_name", "Orang Lain"), state=True)
    results = _concurrently(
        [
            lambda: submission_receive(user=world.operator_a, payload=pkg.dumps(package_a), channel="api"),
            lambda: submission_receive(user=world.operator_a, payload=pkg.dumps(other), channel="api"),
        ]
    )
    assert sum(isinstance(r, PackageConflict) for r in results) == 1
    assert Submission.objects.count() == 1 and StagedPerson.objects.count() == 3


# --- Deltas, deletions and drift --------------------------------------------------------------------------


def test_a_consistent_delta_updates_the_mirror_without_drift(world, package_a):
    send(world.operator_a, package_a)
    renamed = dict(package_a["persons"][0], full_name="Nama Baru")
    new_state = edited(package_a, lambda d: d["persons"].__setitem__(0, renamed), state=True)
    delta = edited(
        package_a,
        lambda d: d.update(
            kind="delta",
            since="2026-11-01T00:00:00+07:00",
            package_id="00000000-0000-4000-8000-000000000001",
            persons=[renamed],
            movements=[],
            remissions=[],
            state_checksum=new_state["state_checksum"],
        ),
    )
    sub = send(world.operator_a, delta).submission
    assert sub.kind == "delta" and not sub.drift_detected
    sync = UptSyncState.objects.get(upt=world.upt_a)
    assert not sync.full_requested and sync.received_checksum == new_state["state_checksum"]
    assert ReceivedRecord.objects.get(upt=world.upt_a, record_key=renamed["reg_number"]).content_hash == pkg.row_hash(
        [renamed[f] for f in pkg.PERSON_FIELDS]
    )


def test_tombstones_remove_records_from_the_mirror(world, package_a):
    send(world.operator_a, package_a)
    gone = package_a["movements"][3]["uid"]
    after = edited(package_a, lambda d: d["movements"].pop(3), state=True)
    delta = edited(
        package_a,
        lambda d: d.update(
            kind="delta",
            since="2026-11-01T00:00:00+07:00",
            package_id="00000000-0000-4000-8000-000000000002",
            persons=[],
            movements=[],
            remissions=[],
            deletions=[{"record_type": "movement", "record_key": gone}],
            state_checksum=after["state_checksum"],
        ),
    )
    sub = send(world.operator_a, delta).submission
    assert not sub.drift_detected and sub.deletion_count == 1
    assert list(StagedDeletion.objects.filter(submission=sub).values_list("record_type", "record_key")) == [
        ("movement", gone)
    ]
    assert not ReceivedRecord.objects.filter(upt=world.upt_a, record_key=gone).exists()
    assert ReceivedRecord.objects.filter(upt=world.upt_a).count() == 8


def test_drift_keeps_the_delta_and_asks_for_a_full_snapshot(world, package_a):
    send(world.operator_a, package_a)
    # The UPT claims a state central never received (a lost package, a restored database…).
    delta = edited(
        package_a,
        lambda d: d.update(
            kind="delta",
            since="2026-11-01T00:00:00+07:00",
            package_id="00000000-0000-4000-8000-000000000003",
            persons=d["persons"][:1],
            movements=[],
            remissions=[],
            state_checksum="ab" * 32,
        ),
    )
    sub = send(world.operator_a, delta).submission
    assert sub.drift_detected and sub.state == SubmissionState.RECEIVED
    assert StagedPerson.objects.filter(submission=sub).count() == 1  # still staged
    sync = UptSyncState.objects.get(upt=world.upt_a)
    assert sync.full_requested and sync.full_reason == UptSyncState.FullReason.DRIFT

    # A later delta does not clear the request; the full snapshot does.
    full = synthetic_package(upt_code=world.upt_a.code, persons=2, seed=99)
    sub = send(world.operator_a, full).submission
    assert not sub.drift_detected
    sync.refresh_from_db()
    assert not sync.full_requested and sync.received_checksum == full["state_checksum"]
    assert ReceivedRecord.objects.filter(upt=world.upt_a).count() == 2  # the full snapshot replaced the mirror


# --- Central's request for a full snapshot ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["central", "admin"])
def test_central_asks_upts_for_a_full_snapshot(world, package_a, who):
    send(world.operator_a, package_a)
    assert sync_full_request(user=getattr(world, who), upts=[world.upt_a, world.upt_b]) == 2
    sync = UptSyncState.objects.get(upt=world.upt_a)
    assert sync.full_requested and sync.full_reason == "requested" and sync.full_requested_by == getattr(world, who)
    # UPT B never sent anything: its next package is full because it is the first.
    assert UptSyncState.objects.get(upt=world.upt_b).full_reason == "first"


@pytest.mark.parametrize("who", ["operator_a", "monitor_x", "no_role"])
def test_only_central_asks_for_a_full_snapshot(world, who):
    with pytest.raises(PermissionDenied):
        sync_full_request(user=getattr(world, who), upts=[world.upt_a])
    assert not UptSyncState.objects.exists()
