"""A person the UPT gave a new registration number (A.II → B.I on the final verdict) stays one record in the
national register: same row, identity and history, under the new number (engine ``renumber_people``)."""

import uuid
from datetime import timedelta

import pytest

from central.models import Conflict, ConflictKind, NationalMovement, NationalPerson, NationalRemission, PersonIdentity
from tests.consolidation.helpers import (
    consolidate,
    detainee_values,
    movement_values,
    package,
    person_values,
    remission_values,
    today,
)

pytestmark = pytest.mark.django_db

OLD, NEW = "AII.0001/2026", "BI.0001/2026"


def _detainee_sent(world, uid):
    admission = movement_values(OLD, date=today() - timedelta(days=10))
    package(world.upt_a, persons=[detainee_values(OLD, uid=uid)], movements=[admission])
    consolidate(world.central)
    return admission


def _verdict(uid, admission, *, renumbered_old_movement=True):
    sentenced = person_values(NEW, uid=uid, register_since=today() - timedelta(days=1))
    change = movement_values(
        NEW, kind="REGISTER_CHANGE", date=today() - timedelta(days=1), register_from="A.II", register_to="B.I"
    )
    moved_admission = {**admission, "person_reg_number": NEW if renumbered_old_movement else OLD}
    return sentenced, [moved_admission, change]


def test_a_full_package_with_the_new_number_keeps_the_same_register_row(world):
    uid = uuid.uuid4()
    admission = _detainee_sent(world, uid)
    before = NationalPerson.objects.get(upt=world.upt_a)
    sentenced, movements = _verdict(uid, admission)
    package(world.upt_a, persons=[sentenced], movements=movements)
    consolidate(world.central)

    after = NationalPerson.objects.get(upt=world.upt_a)  # one record, not a new one beside a removed one
    assert (after.pk, after.reg_number, after.register) == (before.pk, NEW, "B.I")
    assert (after.first_run_id, after.identity_id) == (before.first_run_id, before.identity_id)
    assert PersonIdentity.objects.count() == 1
    assert set(NationalMovement.objects.values_list("person_reg_number", flat=True)) == {NEW}
    assert not Conflict.objects.exists()


def test_a_delta_with_the_new_number_and_a_tombstone_for_the_old_one(world):
    """What the UPT's delta carries for a renumbered person: the person under the new number, a deletion of
    the old number, and the person's movements again with the new number."""
    uid = uuid.uuid4()
    admission = _detainee_sent(world, uid)
    remission_old = remission_values(OLD)
    package(world.upt_a, kind="delta", remissions=[remission_old])
    consolidate(world.central)
    before = NationalPerson.objects.get(upt=world.upt_a)
    sentenced, movements = _verdict(uid, admission)
    package(world.upt_a, kind="delta", persons=[sentenced], movements=movements, deletions=[("person", OLD)])
    consolidate(world.central)

    after = NationalPerson.objects.get(upt=world.upt_a)
    assert (after.pk, after.reg_number, after.identity_id) == (before.pk, NEW, before.identity_id)
    # The remission the delta did not carry follows the person to the new number too.
    assert NationalRemission.objects.get().person_reg_number == NEW
    assert set(NationalMovement.objects.values_list("person_reg_number", flat=True)) == {NEW}


def test_a_new_number_already_held_by_another_person_is_not_taken_over(world):
    """The uid names the person; if the new number belongs to another register row, nothing is renamed and
    the register follows the package as before (the UPT's own constraint makes this a corrupt package)."""
    uid = uuid.uuid4()
    _detainee_sent(world, uid)
    other = person_values(NEW, uid=uuid.uuid4(), nik="", full_name="Orang Lain")
    package(world.upt_a, kind="delta", persons=[other])
    consolidate(world.central)
    other_row = NationalPerson.objects.get(upt=world.upt_a, reg_number=NEW)
    package(world.upt_a, kind="delta", persons=[person_values(NEW, uid=uid)])
    consolidate(world.central)
    assert NationalPerson.objects.filter(upt=world.upt_a, reg_number=OLD).exists()
    assert NationalPerson.objects.get(upt=world.upt_a, reg_number=NEW).pk == other_row.pk


def test_a_new_number_whose_uid_another_row_of_the_run_bears_is_not_taken(world):
    """The uid must name one row of the run: here the package still holds the old number beside the new one
    with the same uid (only the new one is new to the register, and sorts first), so which is the person is
    not known and nothing is renamed — the rows are written as the package has them."""
    uid, old = uuid.uuid4(), "TII.0001/2026"
    package(world.upt_a, persons=[detainee_values(old, uid=uid)])
    consolidate(world.central)
    before = NationalPerson.objects.get(upt=world.upt_a)
    package(world.upt_a, persons=[detainee_values(old, uid=uid), person_values(NEW, uid=uid)])
    consolidate(world.central)
    assert NationalPerson.objects.get(upt=world.upt_a, reg_number=old).pk == before.pk
    assert NationalPerson.objects.filter(upt=world.upt_a, reg_number=NEW).exclude(pk=before.pk).exists()


def test_a_released_person_held_again_under_a_new_number_is_a_reappearance(world):
    """The register row takes the new number and the new row's status; the record was released and comes
    back held, which is a conflict as for a record brought back under its own number."""
    uid = uuid.uuid4()
    package(world.upt_a, persons=[detainee_values(OLD, uid=uid, status="RELEASED")])
    consolidate(world.central)
    package(world.upt_a, persons=[person_values(NEW, uid=uid, register_since=today() - timedelta(days=1))])
    consolidate(world.central)

    row = NationalPerson.objects.get(upt=world.upt_a)
    assert (row.reg_number, row.status) == (NEW, "IN")
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.person_id, conflict.detail_args) == (
        ConflictKind.REAPPEARED,
        row.pk,
        {"status": "RELEASED"},
    )
