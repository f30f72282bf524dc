"""The audit trail beyond sign-ins: who sent each package (every channel), who asked for a full snapshot,
who opened a person's data (operator's page, central's conflict page, the admin) and who downloaded
person-level rows. Events carry ids, never names or NIKs."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from central import package as pkg
from central.models import AuditAction, AuditEvent, Conflict, Submission
from devtools.package_synthetic import synthetic_package
from tests.consolidation.helpers import consolidate, package, person_values, today
from tests.factories import MovementFactory, PersonFactory
from tests.inbox.test_api import api_for, post

pytestmark = pytest.mark.django_db


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at", "pk"))


def _no_person_fields(person_like) -> None:
    for event in AuditEvent.objects.all():
        text = " ".join(str(v) for v in (event.detail, event.object_id, event.object_type, event.actor_username))
        for value in (person_like.full_name, getattr(person_like, "nik", "")):
            if value:
                assert value not in text


@pytest.fixture
def register_a(world):
    people = [PersonFactory(upt=world.upt_a, reg_number=f"AIII/{n:03d}/2026") for n in range(1, 4)]
    for person in people:
        MovementFactory(person=person, recorded_by=world.operator_a)
    return people


def test_kirim_ke_pusat_records_the_sender_once(client_for, world, register_a):
    client = client_for(world.operator_a)
    url = reverse("upt:submission_send", args=[world.upt_a.code])
    package_id = str(uuid.uuid4())
    assert client.post(url, {"package_id": package_id}, REMOTE_ADDR="10.1.2.3").status_code == 302
    # A double click posts the same package id again: one package, one event.
    client.post(url, {"package_id": package_id})
    [event] = events(AuditAction.PACKAGE_SENT)
    submission = Submission.objects.get()
    assert (event.actor, event.upt, event.object_id) == (world.operator_a, world.upt_a, str(submission.pk))
    assert event.ip_address == "10.1.2.3"
    assert "web" in event.detail and package_id in event.detail
    _no_person_fields(register_a[0])


def test_the_api_and_the_file_upload_record_the_sender(client_for, world):
    first = synthetic_package(upt_code=world.upt_a.code, persons=2, movements=2, remissions=0, seed=3)
    response = post(api_for(world.operator_a), first, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 201
    post(api_for(world.operator_a), first)  # the same package again: 200, no second event
    [api_event] = events(AuditAction.PACKAGE_SENT)
    assert api_event.actor == world.operator_a and "api" in api_event.detail and api_event.ip_address == "10.9.9.9"

    second = synthetic_package(upt_code=world.upt_a.code, persons=1, movements=1, remissions=0, seed=4)
    upload = SimpleUploadedFile("paket.json", pkg.dumps(second), content_type="application/json")
    client_for(world.operator_a).post(reverse("upt:package_upload", args=[world.upt_a.code]), {"package": upload})
    assert [e.detail.split(" · ")[1] for e in events(AuditAction.PACKAGE_SENT)] == ["api", "file"]


def test_a_refused_package_leaves_no_sent_event(world):
    document = synthetic_package(upt_code=world.upt_a.code, persons=1, movements=0, remissions=0, seed=5)
    assert post(api_for(world.operator_b), document).status_code == 403
    document["counts"]["persons"] = 99
    assert post(api_for(world.operator_a), document).status_code == 400
    assert events(AuditAction.PACKAGE_SENT) == []


def test_a_full_snapshot_request_is_recorded(client_for, world):
    client_for(world.central).post(
        reverse("admin:central_upt_changelist"),
        {"action": "request_full_snapshot", "_selected_action": [world.upt_a.pk, world.upt_b.pk]},
    )
    assert {(e.actor, e.upt) for e in events(AuditAction.FULL_SNAPSHOT_REQUESTED)} == {
        (world.central, world.upt_a),
        (world.central, world.upt_b),
    }


def test_opening_a_persons_file_is_recorded_and_a_refused_one_is_not(client_for, world):
    person = PersonFactory(upt=world.upt_a)
    url = reverse("upt:person_detail", args=[world.upt_a.code, person.pk])
    assert client_for(world.operator_a).get(url).status_code == 200
    assert client_for(world.operator_b).get(url).status_code == 404
    [event] = events(AuditAction.PERSON_VIEWED)
    assert (event.actor, event.upt, event.object_type, event.object_id) == (
        world.operator_a,
        world.upt_a,
        "upt.person",
        str(person.pk),
    )
    _no_person_fields(person)


def test_opening_a_person_in_the_admin_is_recorded(client_for, world):
    person = PersonFactory(upt=world.upt_a)
    assert client_for(world.admin).get(reverse("admin:upt_person_change", args=[person.pk])).status_code == 200
    assert client_for(world.admin).get(reverse("admin:upt_person_history", args=[person.pk])).status_code == 200
    # The list is not one person's file; it is not recorded.
    assert client_for(world.admin).get(reverse("admin:upt_person_changelist")).status_code == 200
    assert [(e.actor, e.object_id) for e in events(AuditAction.PERSON_VIEWED)] == [(world.admin, str(person.pk))] * 2


def test_opening_a_conflict_is_recorded_but_closing_it_is_its_own_event(client_for, world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today())])
    consolidate(world.central)
    conflict = Conflict.objects.get()
    url = reverse("central:conflict_detail", args=[conflict.pk])
    client = client_for(world.central)
    assert client.get(url).status_code == 200
    assert client.post(url, {"state": "resolved", "note": "Dipindahkan; data UPT B diperbaiki."}).status_code == 302
    assert [(e.actor, e.object_id) for e in events(AuditAction.PERSON_VIEWED)] == [(world.central, str(conflict.pk))]
    assert [e.actor for e in events(AuditAction.CONFLICT_CLOSED)] == [world.central]
    assert client_for(world.admin).get(reverse("admin:central_conflict_change", args=[conflict.pk])).status_code == 200
    assert len(events(AuditAction.PERSON_VIEWED)) == 2


def test_downloading_the_package_file_is_an_export(client_for, world, register_a):
    client = client_for(world.operator_a)
    download = client.get(reverse("upt:package_download", args=[world.upt_a.code]), {"gz": "1"})
    assert download.status_code == 200
    [event] = events(AuditAction.EXPORTED)
    assert (event.actor, event.upt) == (world.operator_a, world.upt_a)
    assert "full" in event.detail and "baris" in event.detail
    # The preview on the send page builds the same package but hands nothing out: not an export.
    client.get(reverse("upt:submission_send", args=[world.upt_a.code]))
    assert len(events(AuditAction.EXPORTED)) == 1
    assert not Submission.objects.exists()


def test_switching_validation_rules_is_recorded(client_for, world):
    url = reverse("admin:central_validationrule_changelist")
    client_for(world.central).post(
        url, {"action": "switch_off", "_selected_action": ["P_CODE_OPTIONAL", "P_DUPLICATE_REG"]}
    )
    [event] = events(AuditAction.RULES_SWITCHED)
    # The structural rule stays on and is not named as switched.
    assert (event.actor, event.detail) == (world.central, "nonaktif: P_CODE_OPTIONAL")
    client_for(world.central).post(url, {"action": "switch_off", "_selected_action": ["P_CODE_OPTIONAL"]})
    assert len(events(AuditAction.RULES_SWITCHED)) == 1  # nothing changed, nothing recorded
    client_for(world.admin).post(url, {"action": "switch_on", "_selected_action": ["P_CODE_OPTIONAL"]})
    assert [e.detail for e in events(AuditAction.RULES_SWITCHED)] == [
        "nonaktif: P_CODE_OPTIONAL",
        "aktif: P_CODE_OPTIONAL",
    ]
