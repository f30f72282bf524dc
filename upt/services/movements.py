"""Recording a person's movements — the append-only history that the person's status follows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from central.models import Upt
from central.reference import MOVEMENT_RULES, MovementKind
from central.register_rules import MOVEMENT_VERDICT_FIELDS, REGISTER_CHANGE_FIELDS
from upt.models import Movement, Person
from upt.services.common import Errors, history_author, lock_in_scope, save_as, save_numbered, today
from upt.services.derived import person_derived_refresh, person_expiry
from upt.services.rules import MovementPlan, check_movement


def _latest_movement(person: Person) -> Movement | None:
    return person.movements.order_by("-date", "-recorded_at", "-pk").first()


def movement_check(
    *,
    person: Person,
    kind: str,
    date: date | None,
    document_number: str,
    other_upt: Upt | None = None,
    release_reason: str = "",
    exit_reason: str = "",
    register_to: str = "",
    verdict: Mapping[str, Any] | None = None,
    new_reg_number: str = "",
) -> MovementPlan:
    """Every rule of recording this movement for ``person``, without writing: what it would change."""
    if verdict and set(verdict) - set(MOVEMENT_VERDICT_FIELDS):
        raise TypeError(f"Unknown verdict fields: {sorted(set(verdict) - set(MOVEMENT_VERDICT_FIELDS))}")
    errors = Errors()
    plan = check_movement(
        errors,
        person,
        kind=kind,
        date_=date,
        document_number=" ".join((document_number or "").split()),
        other_upt=other_upt,
        release_reason=release_reason or "",
        exit_reason=exit_reason or "",
        register_to=register_to or "",
        verdict=verdict,
        new_reg_number=new_reg_number or "",
        last_movement=_latest_movement(person),
        today=today(),
    )
    errors.raise_if_any()
    assert plan is not None  # check_movement plans whenever it found no error
    return plan


@transaction.atomic
def movement_record(
    *,
    user: Any,
    person: Person,
    kind: str,
    date: date | None,
    document_number: str,
    other_upt: Upt | None = None,
    release_reason: str = "",
    exit_reason: str = "",
    register_to: str = "",
    verdict: Mapping[str, Any] | None = None,
    new_reg_number: str = "",
    note: str = "",
) -> Movement:
    """Record one movement after the person's latest and bring the person's derived fields in step.

    A register change to a B register (or to life or death) records the final verdict from ``verdict``
    (``central.register_rules.MOVEMENT_VERDICT_FIELDS``) on the person, and a register change may give the
    person ``new_reg_number`` (the old number stays in the change history). Fields a kind does not use are
    ignored.
    """
    person = lock_in_scope(Person.objects.select_related("upt"), user, person.pk)
    plan = movement_check(
        person=person,
        kind=kind,
        date=date,
        document_number=document_number,
        other_upt=other_upt,
        release_reason=release_reason,
        exit_reason=exit_reason,
        register_to=register_to,
        verdict=verdict,
        new_reg_number=new_reg_number,
    )
    movement = Movement(
        person=person, upt=person.upt, recorded_by=user, note=" ".join((note or "").split()), **plan.movement
    )
    save_as(movement, user)
    for field, value in plan.person.items():
        setattr(person, field, value)
    person.expiry_date = person_expiry(person)
    save_numbered(person, user, field="new_reg_number")
    return movement


@transaction.atomic
def movement_annotate(*, user: Any, movement: Movement, document_number: str, note: str) -> Movement:
    """Correct a movement's document number or note (a typo); what happened and when cannot change."""
    movement = lock_in_scope(Movement.objects.all(), user, movement.pk)
    document_number = " ".join((document_number or "").split())
    if not document_number:
        raise ValidationError({"document_number": _("Isi nomor dokumen dasar mutasi.")})
    movement.document_number = document_number
    movement.note = " ".join((note or "").split())
    save_as(movement, user)
    return movement


@transaction.atomic
def movement_delete(*, user: Any, movement: Movement) -> None:
    """Take back a person's latest movement, recorded in error — the admin's alone.

    Only the latest may go (later movements were checked against it), and never the opening one (delete
    the person's record instead). A register change is undone with the person's register and verdict as
    they were just before it, from the change history.
    """
    if not user.has_perm("upt.delete_movement"):
        raise PermissionDenied
    movement = lock_in_scope(Movement.objects.all(), user, movement.pk)
    person = lock_in_scope(Person.objects.all(), user, movement.person_id)
    if MOVEMENT_RULES[movement.kind].opens_record:
        raise ValidationError(
            _("Mutasi pembuka data tidak dapat dihapus sendiri; hapus data WBP-nya bila dibuka karena keliru.")
        )
    latest = _latest_movement(person)
    if latest is None or latest.pk != movement.pk:
        raise ValidationError(_("Hanya mutasi terakhir WBP yang dapat dihapus; hapus dulu mutasi sesudahnya."))
    if movement.kind == MovementKind.REGISTER_CHANGE:
        before = person.history.filter(history_date__lt=movement.recorded_at).order_by("-history_date").first()
        restored = REGISTER_CHANGE_FIELDS
        if before is not None:
            for field in restored:
                setattr(person, field, getattr(before, field))
        else:
            person.register = movement.register_from
    history_author(movement, user)
    movement.delete()
    person_derived_refresh(person)
    save_as(person, user)
