"""A delta carries exactly what changed since the package central last accepted: by the UPT's change
sequence, not by a time window. Nothing is sent twice, a transaction that commits late is not missed, and a
refused package leaves the baseline where it was."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from central.models import StagedPerson, Submission
from central.package import PackageRejected
from central.services.inbox import submission_receive, sync_full_request
from tests.factories import MovementFactory, PersonFactory
from upt.models import PackageMark, Person, Tombstone
from upt.services.package import package_build, package_export, package_plan, package_send

pytestmark = pytest.mark.django_db


def build(world):
    return package_build(user=world.operator_a, upt=world.upt_a)


def change(person: Person, cell: str) -> None:
    """An operator's correction as the register services save it (a plain ORM save of the row)."""
    person.cell = cell
    person.save()


def sent_people(submission: Submission) -> dict[str, str]:
    return dict(StagedPerson.objects.filter(submission=submission).values_list("reg_number", "cell"))


def test_the_second_send_carries_only_what_changed_in_between(world):
    people = PersonFactory.create_batch(50, upt=world.upt_a)
    first = package_send(user=world.operator_a, upt=world.upt_a).submission
    assert (first.kind, first.person_count) == ("full", 50)

    # Two changes right after it: one saved as the register services save, one by a bulk update (as the
    # nightly refresh of derived fields writes); no waiting, no aging of timestamps.
    change(people[3], "7A")
    Person.objects.filter(pk=people[40].pk).update(cell="9C")
    built = build(world)
    assert (built.plan.kind, built.counts) == (
        "delta",
        {"persons": 2, "movements": 0, "remissions": 0, "deletions": 0},
    )
    second = package_send(user=world.operator_a, upt=world.upt_a).submission
    assert sent_people(second) == {people[3].reg_number: "7A", people[40].reg_number: "9C"}
    assert not second.drift_detected

    # Nothing is sent again: the next delta is empty, and still states the UPT's whole state.
    empty = build(world)
    assert empty.row_count == 0 and empty.document["state_checksum"] == second.state_checksum


def test_the_preview_says_what_the_delta_holds_in_one_sentence(world):
    people = PersonFactory.create_batch(3, upt=world.upt_a)
    first = package_send(user=world.operator_a, upt=world.upt_a).submission
    change(people[0], "1")
    change(people[1], "2")
    when = re.escape(timezone.localtime(first.received_at).strftime("%d-%m-%Y"))
    with translation.override("id"):
        summary = build(world).summary
        assert re.fullmatch(
            rf"Berisi 2 perubahan sejak kiriman yang diterima pusat pada {when} \d\d\.\d\d WIB\.", summary
        )
    with translation.override("en"):
        summary = build(world).summary
        assert re.fullmatch(
            rf"Contains 2 changes since the package central accepted on {when} \d\d\.\d\d WIB\.", summary
        )

    client = Client()
    client.force_login(world.operator_a)
    page = client.get(reverse("upt:submission_send", args=[world.upt_a.code])).content.decode()
    assert "Berisi 2 perubahan sejak kiriman yang diterima pusat pada" in page
    assert "karena perubahan sejak" not in page


def test_a_refused_package_leaves_the_baseline_at_the_last_accepted(world):
    held, other = PersonFactory.create_batch(2, upt=world.upt_a)
    accepted = package_send(user=world.operator_a, upt=world.upt_a).submission
    change(held, "4D")
    Person.objects.filter(pk=other.pk).update(register="ZZ")  # a code central refuses
    with pytest.raises(PackageRejected):
        package_send(user=world.operator_a, upt=world.upt_a)
    assert Submission.objects.count() == 1
    assert list(PackageMark.objects.values_list("package_id", flat=True)) == [accepted.package_id]

    Person.objects.filter(pk=other.pk).update(register="A.III")
    plan = package_plan(user=world.operator_a, upt=world.upt_a)
    assert plan.kind == "delta" and plan.last_submission == accepted
    result = package_send(user=world.operator_a, upt=world.upt_a).submission
    # Both changes since the accepted package, the one the refused package carried included.
    assert set(sent_people(result)) == {held.reg_number, other.reg_number}
    assert not result.drift_detected


def test_central_asking_for_a_full_snapshot_still_wins(world):
    PersonFactory.create_batch(2, upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    sync_full_request(user=world.central, upts=[world.upt_a])
    assert (build(world).plan.kind, build(world).plan.reason) == ("full", "requested")


def test_a_downloaded_package_that_central_accepts_is_the_next_baseline(world):
    person = PersonFactory(upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    change(person, "3")
    exported = package_export(user=world.operator_a, upt=world.upt_a)
    assert exported.counts["persons"] == 1
    submission_receive(user=world.operator_a, payload=exported.payload(), channel="file", expected_upt=world.upt_a)
    assert build(world).row_count == 0


def test_without_a_mark_for_the_accepted_package_the_next_is_full(world):
    PersonFactory(upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    PackageMark.objects.all().delete()  # accepted from a package built elsewhere, or before sequences
    built = build(world)
    assert (built.plan.kind, built.plan.reason) == ("full", "baseline")


def test_deletions_are_carried_once(world):
    person = PersonFactory(upt=world.upt_a)
    movement = MovementFactory(person=person, recorded_by=world.operator_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    movement.delete()
    person.delete()
    doc = build(world).document
    assert {(d["record_type"], d["record_key"]) for d in doc["deletions"]} == {
        ("person", person.reg_number),
        ("movement", str(movement.uid)),
    }
    assert Tombstone.objects.count() == 2
    assert not package_send(user=world.operator_a, upt=world.upt_a).submission.drift_detected
    assert build(world).document["deletions"] == []


# --- Concurrency: real transactions on two connections ----------------------------------------------------


def _in_thread(target, failures: list[BaseException]) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test thread
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until_a_backend_waits_for_a_lock() -> None:
    """Poll (not a timed assertion: the wait ends when the condition holds) until another backend of this
    database is blocked on a lock."""
    with connections["default"].cursor() as cursor:
        for _ in range(600):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the package build never waited for the open transaction")


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_after_the_build_began_is_in_that_package_and_not_again(world):
    people = PersonFactory.create_batch(5, upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    sent: list[Submission] = []

    def slow_writer():
        with transaction.atomic():
            Person.objects.filter(pk=people[2].pk).update(cell="LATE")
            written.set()
            release.wait(60)

    writer = _in_thread(slow_writer, failures)
    assert written.wait(60)
    sender = _in_thread(lambda: sent.append(package_send(user=world.operator_a, upt=world.upt_a).submission), failures)
    _wait_until_a_backend_waits_for_a_lock()  # the send waits for the writer's transaction…
    release.set()  # …which commits only now, after the package build began
    writer.join(60)
    sender.join(60)
    assert not failures
    assert sent_people(sent[0]) == {people[2].reg_number: "LATE"}
    assert not sent[0].drift_detected
    assert build(world).row_count == 0  # and it is not sent again


@pytest.mark.django_db(transaction=True)
def test_a_transaction_open_during_a_send_that_writes_after_it_is_in_the_next_delta(world):
    people = PersonFactory.create_batch(5, upt=world.upt_a)
    package_send(user=world.operator_a, upt=world.upt_a)
    started, sent_now = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def long_transaction():
        with transaction.atomic():
            Person.objects.filter(upt=world.upt_a).count()  # the transaction is open before the send
            started.set()
            sent_now.wait(60)
            Person.objects.filter(pk=people[4].pk).update(cell="AFTER")

    worker = _in_thread(long_transaction, failures)
    assert started.wait(60)
    during = package_send(user=world.operator_a, upt=world.upt_a).submission
    sent_now.set()
    worker.join(60)
    assert not failures
    assert during.person_count == 0
    after = package_send(user=world.operator_a, upt=world.upt_a).submission
    assert sent_people(after) == {people[4].reg_number: "AFTER"} and not after.drift_detected
