"""Small pieces every register service uses: today's date in WIB, error collection, scoped locking."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from central.formats import show_date
from central.scoping import Action, restrict
from central.typing import AnyUser

M = TypeVar("M", bound=models.Model)


def today() -> date:
    """Today in WIB (the project's time zone): a date typed today is never "in the future"."""
    return timezone.localdate()


def fmt(value: date | None) -> str:
    """A date in a message: dd-mm-yyyy, or a dash."""
    return show_date(value, empty="—")


class Errors:
    """Collects field errors so that a form shows every problem at once, then raises them together."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}
        # The codes of central's validation rules that the errors so far correspond to (see
        # ``upt.services.rules``): what lets a test compare the UPT's verdict with central's.
        self.rules: set[str] = set()

    def add(self, field: str | None, message: str | Promise, *, rule: str | None = None) -> None:
        self._errors.setdefault(field or NON_FIELD_ERRORS, []).append(str(message))
        if rule:
            self.rules.add(rule)

    def has(self, field: str) -> bool:
        return field in self._errors

    def merge(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                for message in errors:
                    self.add(field, message)
        else:
            for message in error.messages:
                self.add(None, message)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(self._errors)


def lock_in_scope(queryset: models.QuerySet[M], user: AnyUser, pk: Any, action: Action = Action.OPERATE) -> M:
    """The row, locked for the rest of the transaction, if the user may do ``action`` on it.

    Services are called by views that already answered 404 for another unit's object; this is the second
    line, for every other caller (admin, commands, a tampered form), and it serialises concurrent writes
    to one person so two operators cannot record contradicting movements at the same moment.
    """
    obj = restrict(queryset, user, action).select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied
    return obj


def history_author(obj: models.Model, user: AnyUser) -> None:
    """Name ``user`` as the author of the change-history row the next save or delete of ``obj`` writes
    (django-simple-history reads it from the instance)."""
    obj._history_user = user  # type: ignore[attr-defined]


def save_as(obj: models.Model, user: AnyUser, **kwargs: Any) -> None:
    """Save with ``user`` recorded as the author in the change history."""
    history_author(obj, user)
    obj.save(**kwargs)


def save_numbered(person: models.Model, user: AnyUser, *, field: str) -> None:
    """Save a person whose registration number another operator may have given at the same moment: the
    database's unique constraint decides, and the one who lost gets the error on the form's ``field``."""
    try:
        with transaction.atomic():
            save_as(person, user)
    except IntegrityError as exc:
        if "person_reg_number_unique_in_upt" not in str(exc):
            raise
        raise ValidationError({field: _("Nomor registrasi ini baru saja dipakai di UPT ini.")}) from exc
