"""Remission decrees: each takes days off a sentence and so moves the person's expiry date earlier."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from central.typing import AnyUser, User
from upt.models import Person, Remission
from upt.services.common import Errors, lock_in_scope, save_as, today
from upt.services.derived import person_derived_refresh
from upt.services.rules import check_remission


def _refresh(person: Person, user: AnyUser) -> None:
    if person_derived_refresh(person):
        save_as(person, user)


def remission_check(
    *,
    person: Person,
    kind: str,
    days: int | None,
    decree_number: str,
    decree_date: date | None,
    remission: Remission | None = None,
) -> None:
    """Every rule of recording (or, with ``remission``, correcting) a decree, without writing."""
    errors = Errors()
    check_remission(
        errors,
        person,
        kind=kind,
        days=days,
        decree_number=" ".join((decree_number or "").split()),
        decree_date=decree_date,
        today=today(),
        exclude_pk=remission.pk if remission else None,
        require_held=remission is None,
    )
    errors.raise_if_any()


@transaction.atomic
def remission_record(
    *, user: AnyUser, person: Person, kind: str, days: int, decree_number: str, decree_date: date | None
) -> Remission:
    """Record a remission decree for a sentenced person held by the UPT."""
    person = lock_in_scope(Person.objects.select_related("upt"), user, person.pk)
    remission_check(person=person, kind=kind, days=days, decree_number=decree_number, decree_date=decree_date)
    assert decree_date is not None  # remission_check refuses a decree without its date
    assert isinstance(user, User)  # lock_in_scope let only a signed-in operator through
    decree_number = " ".join(decree_number.split())
    remission = Remission(
        person=person,
        upt=person.upt,
        kind=kind,
        days=days,
        decree_number=decree_number,
        decree_date=decree_date,
        recorded_by=user,
    )
    save_as(remission, user)
    _refresh(person, user)
    return remission


@transaction.atomic
def remission_update(
    *, user: AnyUser, remission: Remission, kind: str, days: int, decree_number: str, decree_date: date | None
) -> Remission:
    """Correct a recorded decree (also after release: the record must say what was granted)."""
    remission = lock_in_scope(Remission.objects.all(), user, remission.pk)
    person = lock_in_scope(Person.objects.all(), user, remission.person_id)
    remission_check(
        person=person,
        kind=kind,
        days=days,
        decree_number=decree_number,
        decree_date=decree_date,
        remission=remission,
    )
    assert decree_date is not None  # remission_check refuses a decree without its date
    decree_number = " ".join(decree_number.split())
    remission.kind, remission.days = kind, days
    remission.decree_number, remission.decree_date = decree_number, decree_date
    save_as(remission, user)
    _refresh(person, user)
    return remission


@transaction.atomic
def remission_delete(*, user: AnyUser, remission: Remission) -> None:
    """Remove a decree recorded in error — the admin's alone."""
    if not user.has_perm("upt.delete_remission"):
        raise PermissionDenied
    remission = lock_in_scope(Remission.objects.all(), user, remission.pk)
    person = lock_in_scope(Person.objects.all(), user, remission.person_id)
    remission._history_user = user  # type: ignore[attr-defined]  # simple_history's author of the next row
    remission.delete()
    _refresh(person, user)
