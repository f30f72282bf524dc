"""The UPT's package builder: full or delta and why, what a delta carries, and the drift path end to end."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from central import package as pkg
from central.models import ReceivedRecord, Submission, UptSyncState
from central.services.inbox import sync_full_request
from tests.factories import MovementFactory, PersonFactory, RemissionFactory
from upt.models import Person
from upt.services.package import package_build, package_plan, package_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_a(world):
    """UPT A's register: two people held, one released, with movements and a remission; UPT B has one."""
    held = PersonFactory(upt=world.upt_a, reg_number="AIII/001/2026")
    sentenced = PersonFactory(upt=world.upt_a, reg_number="BI/002/2025", register="B.I", sentence_years=3)
    released = PersonFactory(upt=world.upt_a, reg_number="BI/003/2024", register="B.I", status="RELEASED")
    for person in (held, sentenced, released):
        MovementFactory(person=person, recorded_by=world.operator_a)
    MovementFactory(person=released, kind="TRANSFER_OUT", other_upt=world.upt_b, recorded_by=world.operator_a)
    RemissionFactory(person=sentenced, recorded_by=world.operator_a)
    PersonFactory(upt=world.upt_b, reg_number="AIII/900/2026")
    return {"held": held, "sentenced": sentenced, "released": released}


def sent_keys(document):
    return {
        "persons": {p["reg_number"] for p in document["persons"]},
        "movements": {m["uid"] for m in document["movements"]},
        "remissions": {r["uid"] for r in document["remissions"]},
        "deletions": {(d["record_type"], d["record_key"]) for d in document["deletions"]},
    }


def test_the_first_package_is_a_full_snapshot_of_the_upt(world, register_a):
    built = package_build(user=world.operator_a, upt=world.upt_a)
    assert (built.plan.kind, built.plan.reason) == ("full", "first")
    doc = built.document
    assert {p["reg_number"] for p in doc["persons"]} == {"AIII/001/2026", "BI/002/2025", "BI/003/2024"}
    assert doc["counts"] == {"persons": 3, "movements": 4, "remissions": 1, "deletions": 0}
    transfer = next(m for m in doc["movements"] if m["kind"] == "TRANSFER_OUT")
    assert transfer["other_upt_code"] == "LP3302" and transfer["person_reg_number"] == "BI/003/2024"
    held = next(p for p in doc["persons"] if p["reg_number"] == "AIII/001/2026")
    assert held["uid"] == str(register_a["held"].uid)
    assert held["admission_date"] == register_a["held"].admission_date.isoformat()
    assert built.filename.startswith("sdp-LP3301-") and built.filename.endswith("-full.json")

    result = package_send(user=world.operator_a, upt=world.upt_a)
    assert result.created and not result.submission.drift_detected and result.submission.channel == "web"
    sync = UptSyncState.objects.get(upt=world.upt_a)
    assert sync.received_checksum == result.submission.state_checksum and not sync.full_requested


def test_after_a_package_the_next_is_a_delta_of_what_changed(world, register_a):
    package_send(user=world.operator_a, upt=world.upt_a)
    plan = package_plan(user=world.operator_a, upt=world.upt_a)
    last = Submission.objects.get()
    assert (plan.kind, plan.reason, plan.since) == ("delta", "delta", last.generated_at)

    # Nothing changed: an empty delta that still states the UPT's whole state.
    empty = package_build(user=world.operator_a, upt=world.upt_a).document
    assert empty["counts"] == {"persons": 0, "movements": 0, "remissions": 0, "deletions": 0}
    assert empty["state_checksum"] == last.state_checksum

    held = register_a["held"]
    held.cell = "12B"
    held.save()
    new_movement = MovementFactory(
        person=register_a["sentenced"], kind="TEMP_EXIT", exit_reason="SIDANG", recorded_by=world.operator_a
    )
    doc = package_build(user=world.operator_a, upt=world.upt_a).document
    assert sent_keys(doc) == {
        "persons": {"AIII/001/2026"},
        "movements": {str(new_movement.uid)},
        "remissions": set(),
        "deletions": set(),
    }
    result = package_send(user=world.operator_a, upt=world.upt_a)
    assert result.submission.kind == "delta" and not result.submission.drift_detected


def test_deletions_and_renames_travel_as_tombstones(world, register_a):
    package_send(user=world.operator_a, upt=world.upt_a)
    released = register_a["released"]
    gone_movements = [str(m.uid) for m in released.movements.all()]
    released.movements.all().delete()
    released.delete()
    sentenced = register_a["sentenced"]
    sentenced.reg_number = "BI/002/2025-R"
    sentenced.save()

    doc = package_build(user=world.operator_a, upt=world.upt_a).document
    keys = sent_keys(doc)
    assert keys["persons"] == {"BI/002/2025-R"}
    # The renamed person's movement and remission carry the new registration number, so they go again.
    assert keys["movements"] == {str(m.uid) for m in sentenced.movements.all()}
    assert keys["remissions"] == {str(r.uid) for r in sentenced.remissions.all()}
    assert keys["deletions"] == {
        ("person", "BI/003/2024"),
        ("person", "BI/002/2025"),
        *(("movement", uid) for uid in gone_movements),
    }
    result = package_send(user=world.operator_a, upt=world.upt_a)
    assert not result.submission.drift_detected
    mirror = set(
        ReceivedRecord.objects.filter(upt=world.upt_a, record_type="person").values_list("record_key", flat=True)
    )
    assert mirror == {"AIII/001/2026", "BI/002/2025-R"}


def test_a_mirror_that_no_longer_matches_is_drift_then_a_full_snapshot_heals_it(world, register_a):
    package_send(user=world.operator_a, upt=world.upt_a)
    # A package lost on the way looks like this: central's mirror holds another version of a record.
    ReceivedRecord.objects.filter(upt=world.upt_a, record_key="AIII/001/2026").update(content_hash="0" * 64)
    result = package_send(user=world.operator_a, upt=world.upt_a)
    assert result.submission.kind == "delta" and result.submission.drift_detected
    plan = package_plan(user=world.operator_a, upt=world.upt_a)
    assert (plan.kind, plan.reason) == ("full", "drift")

    healed = package_send(user=world.operator_a, upt=world.upt_a).submission
    assert healed.kind == "full" and not healed.drift_detected
    assert package_plan(user=world.operator_a, upt=world.upt_a).kind == "delta"
    staged = ReceivedRecord.objects.get(upt=world.upt_a, record_key="AIII/001/2026")
    person = Person.objects.get(pk=register_a["held"].pk)
    values = pkg.canonical_record([getattr(person, f) for f in pkg.PERSON_FIELDS])
    assert staged.content_hash == pkg.row_hash(values)


def test_central_or_the_operator_can_ask_for_a_full_snapshot(world, register_a):
    package_send(user=world.operator_a, upt=world.upt_a)
    plan = package_plan(user=world.operator_a, upt=world.upt_a, force_full=True)
    assert (plan.kind, plan.reason) == ("full", "operator")
    sync_full_request(user=world.central, upts=[world.upt_a])
    plan = package_plan(user=world.operator_a, upt=world.upt_a)
    assert (plan.kind, plan.reason) == ("full", "requested")


def test_a_form_posted_twice_sends_once(world, register_a):
    package_id = "11111111-2222-4333-8444-555555555555"
    first = package_send(user=world.operator_a, upt=world.upt_a, package_id=package_id)
    second = package_send(user=world.operator_a, upt=world.upt_a, package_id=package_id)
    assert first.created and not second.created and first.submission.pk == second.submission.pk
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("who", ["operator_b", "monitor_x", "central", "admin", "no_role"])
def test_only_the_upts_operators_build_or_send_its_package(world, register_a, who):
    with pytest.raises(PermissionDenied):
        package_build(user=getattr(world, who), upt=world.upt_a)
    with pytest.raises(PermissionDenied):
        package_send(user=getattr(world, who), upt=world.upt_a)
    assert not Submission.objects.exists()
