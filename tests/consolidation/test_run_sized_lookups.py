"""The run's look-ups start from the run's own rows (issue 19: a daily run's cost follows its delta, not the
size of the country). Each test puts the other side of a finding outside the run — an identity, a duplicate
key, a transfer in — and shows the narrowed statement still finds what the national one found."""

import uuid
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import override_settings

from central.models import Conflict, ConsolidationRun, NationalMovement, NationalPerson, PersonIdentity, RowIssue
from central.services.consolidation import engine
from central.validation import issue_statements
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, today

pytestmark = pytest.mark.django_db
D = timedelta
NIK = "3301021705900001"


def _person(upt, reg):
    return NationalPerson.objects.get(upt=upt, reg_number=reg)


# --- linkage: NIKs and name keys shared by identities the run does not touch ---------------------------------
def test_a_nik_shared_with_an_identity_outside_the_run_is_looked_up_again(world):
    package(world.upt_a, persons=[person_values("A/1")])
    consolidate(world.central)
    first = _person(world.upt_a, "A/1").identity
    # A second identity with the same NIK (of an older link), the person linked to it; neither in the run.
    second = PersonIdentity.objects.create(nik=NIK, name_key=first.name_key, full_name=first.full_name)
    NationalPerson.objects.filter(upt=world.upt_a).update(identity=second)
    package(world.upt_a, kind="delta", persons=[person_values("A/1", address="Blok C")])
    consolidate(world.central)
    # The NIK is not the second identity's alone: the person is looked up again and takes the first.
    assert _person(world.upt_a, "A/1").identity_id == first.pk


def test_a_name_key_shared_with_an_identity_outside_the_run_links_no_one(world):
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    consolidate(world.central)
    mine = _person(world.upt_a, "A/1").identity
    PersonIdentity.objects.create(nik="", name_key=mine.name_key, full_name="Budi Santoso (lama)")
    package(world.upt_a, kind="delta", persons=[person_values("A/1", nik="", address="Blok C")])
    consolidate(world.central)
    assert _person(world.upt_a, "A/1").identity_id is None  # ambiguous: two identities bear the name key


# --- validation: duplicates within a package, not across the staging history -------------------------------
def test_a_duplicate_uid_is_one_within_the_package_not_with_an_earlier_package(world):
    admission = movement_values("A/1")
    package(world.upt_a, persons=[person_values("A/1")], movements=[admission])
    consolidate(world.central)
    twin = movement_values("A/1", kind="TEMPORARY_EXIT", exit_reason="BEROBAT", date=today() - D(days=3))
    edited = {**admission, "document_number": "SP/1/2025-rev"}  # the same uid as the earlier package: an edit
    sub = package(world.upt_a, kind="delta", movements=[edited, twin, {**twin, "document_number": "X"}])
    consolidate(world.central)
    flagged = set(RowIssue.objects.filter(submission=sub, rule="M_DUPLICATE_UID").values_list("record_key", flat=True))
    assert flagged == {str(twin["uid"])}
    assert NationalMovement.objects.get(uid=admission["uid"]).document_number == "SP/1/2025-rev"


@pytest.mark.parametrize("small", [True, False], ids=["small run: row by row", "large run: grouped"])
def test_duplicate_keys_are_found_alike_in_a_small_and_a_large_run(world, monkeypatch, small):
    """A small run looks each row's key up through the index, a large one (a full national round) groups the
    run's keys once; both flag the same rows, and neither a key seen in an earlier package."""
    # The planner's estimate of staging decides which: huge makes any run small, none makes it large.
    monkeypatch.setattr(engine.ConsolidationEngine, "estimated_rows", lambda self, table: 1e12 if small else None)
    admission = movement_values("A/1")
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2")], movements=[admission])
    consolidate(world.central)
    twin = movement_values("A/1", kind="TEMPORARY_EXIT", exit_reason="BEROBAT", date=today() - D(days=3))
    people = [person_values("A/1", address="Blok C"), person_values("A/3"), person_values("A/3", full_name="X")]
    sub = package(
        world.upt_a, kind="delta", persons=people, movements=[{**admission, "document_number": "R"}, twin, {**twin}]
    )
    written = []

    def statements(q, rules):
        made = issue_statements(q, rules)
        written.extend(sql for sql, _codes in made)
        return made

    monkeypatch.setattr(engine, "issue_statements", statements)
    consolidate(world.central)
    sql = " ".join(written)
    assert ("HAVING COUNT(*) > 1" in sql) is not small
    assert ("x.id <> s.id" in sql) is small
    duplicates = RowIssue.objects.filter(submission=sub, rule__in=["P_DUPLICATE_REG", "M_DUPLICATE_UID"])
    flagged = set(duplicates.values_list("rule_id", "record_key"))
    assert flagged == {("P_DUPLICATE_REG", "A/3"), ("M_DUPLICATE_UID", str(twin["uid"]))}
    assert duplicates.count() == 4  # both rows of each pair


# --- the register: renumbering and reappearances -----------------------------------------------------------
def test_a_new_number_is_not_taken_when_the_uid_is_ambiguous_in_the_register(world):
    uid = uuid.uuid4()
    package(world.upt_a, persons=[person_values("A/1", uid=uid), person_values("A/2", nik="", full_name="Lain")])
    consolidate(world.central)
    NationalPerson.objects.filter(upt=world.upt_a).update(uid=uid)  # two register rows bear the uid
    package(world.upt_a, kind="delta", persons=[person_values("A/3", uid=uid)])
    consolidate(world.central)
    assert set(NationalPerson.objects.values_list("reg_number", flat=True)) == {"A/1", "A/2", "A/3"}


def test_a_record_brought_back_among_many_unchanged_ones_is_a_reappearance(world):
    package(world.upt_a, persons=[person_values("A/1", status="RELEASED"), person_values("A/2", nik="")])
    package(world.upt_b, persons=[person_values("B/1", nik="", full_name="Orang Lain", status="RELEASED")])
    consolidate(world.central)
    package(world.upt_a, kind="delta", persons=[person_values("A/1", status="IN")])
    consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.upt, conflict.person.reg_number) == ("reappeared", world.upt_a, "A/1")


# --- transfers out: checked when their wait ends, and again when the run changes their answer --------------
def _matched_transfer(world):
    """A's transfer out and B's transfer in, received long ago and matched; the last run was yesterday."""
    out_day = today() - D(days=30)
    package(
        world.upt_a,
        persons=[person_values("A/1", status="TRANSFERRED")],
        movements=[movement_values("A/1", kind="TRANSFER_OUT", date=out_day, other_upt_code=world.upt_b.code)],
    )
    transfer_in = movement_values("B/7", kind="TRANSFER_IN", date=out_day + D(days=1), other_upt_code="LP3301")
    package(
        world.upt_b,
        persons=[person_values("B/7", admission_date=out_day + D(days=1)), person_values("B/8", nik="", full_name="X")],
        movements=[transfer_in],
    )
    consolidate(world.central)
    NationalMovement.objects.update(received_on=F("date"))
    ConsolidationRun.objects.update(snapshot_date=today() - D(days=1))
    consolidate(world.central)  # its wait ended weeks ago: checked by an earlier run, matched
    ConsolidationRun.objects.update(snapshot_date=today() - D(days=1))
    assert not Conflict.objects.exists()
    return transfer_in


@pytest.mark.parametrize("narrow", [True, False], ids=["run-sized", "large-run"])
@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_a_transfer_in_withdrawn_later_leaves_the_transfer_out_unmatched(world, monkeypatch, narrow):
    if not narrow:  # a run too large to collect what it changed rereads the whole recheck window
        monkeypatch.setattr(engine, "NARROW_TRANSFER_CHECK_ROWS", 0)
    transfer_in = _matched_transfer(world)
    package(world.upt_b, kind="delta", deletions=[("movement", str(transfer_in["uid"]))])
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.upt, conflict.detected_run) == ("transfer_unmatched", world.upt_a, run)


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_a_transfer_in_moved_to_another_person_leaves_the_transfer_out_unmatched(world):
    transfer_in = _matched_transfer(world)
    package(world.upt_b, kind="delta", movements=[{**transfer_in, "person_reg_number": "B/8"}])
    consolidate(world.central)
    assert Conflict.objects.get().kind == "transfer_unmatched"


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_a_transfer_in_whose_person_becomes_someone_else_leaves_the_transfer_out_unmatched(world):
    _matched_transfer(world)
    other_nik = "3301021705900002"
    package(world.upt_b, kind="delta", persons=[person_values("B/7", nik=other_nik, admission_date=today() - D(29))])
    consolidate(world.central)
    assert _person(world.upt_b, "B/7").identity.nik == other_nik
    assert Conflict.objects.get().kind == "transfer_unmatched"


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_an_untouched_matched_transfer_stays_matched(world):
    _matched_transfer(world)
    package(world.upt_c, persons=[person_values("C/1", nik="", full_name="Orang Lain")])
    consolidate(world.central)
    assert not Conflict.objects.exists()
