"""Opening, correcting and (for the admin) deleting a person's record in a UPT's register."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from central.formats import show_datetime
from central.models import Upt
from central.reference import DETAINEE_REGISTERS, MOVEMENT_RULES, MovementKind
from central.register_rules import CREATE_FIELDS, EDITABLE_FIELDS
from central.scoping import Action, can, ensure_in_scope
from central.services.audit import audit_person_viewed
from upt.models import Movement, Person
from upt.selectors.people import PersonFile, person_file
from upt.services.common import Errors, history_author, lock_in_scope, save_as, save_numbered, today
from upt.services.derived import person_expiry
from upt.services.rules import check_opening, check_person, normalise

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}

_BLANK: dict[str, Any] = {
    "nik": "",
    "passport_number": "",
    "nationality": "Indonesia",
    "alias": "",
    "birth_place": "",
    "birth_date": None,
    "religion": "",
    "education": "",
    "occupation": "",
    "address": "",
    "case_number": "",
    "articles": "",
    "court": "",
    "block": "",
    "cell": "",
    "verdict_date": None,
    "verdict_number": "",
    "sentence_years": 0,
    "sentence_months": 0,
    "sentence_days": 0,
    "fine_amount": 0,
    "subsidiary_months": 0,
    "subsidiary_days": 0,
    "fine_paid": False,
    "register_since": None,
}


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        # A caller passing derived or unknown fields is a programming error, not bad input.
        raise TypeError(f"Fields not accepted here: {', '.join(sorted(unknown))}")


def _check_photo(errors: Errors, photo: UploadedFile | None) -> None:
    if photo is None:
        return
    if os.path.splitext(photo.name or "")[1].lower() not in PHOTO_EXTENSIONS:
        errors.add("photo", _("Foto harus berkas JPG, PNG atau WebP."))
    if photo.size and photo.size > PHOTO_MAX_BYTES:
        errors.add("photo", _("Foto paling besar %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)})


def _set_photo(person: Person, photo: UploadedFile) -> None:
    # Stored under the record's uid, never under the uploaded name, which may carry the person's name.
    old = person.photo.name if person.photo else ""
    extension = os.path.splitext(photo.name or "")[1].lower()
    photo.name = f"{person.uid.hex}{extension}"
    person.photo = photo
    if old:
        storage = person.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def person_create_check(
    *,
    upt: Upt,
    data: Mapping[str, Any],
    admission_kind: str,
    admission_document: str,
    origin_upt: Upt | None = None,
    photo: UploadedFile | None = None,
) -> dict[str, Any]:
    """Every rule of opening a record, without writing: the record's normalised fields, or
    ``ValidationError`` keyed by field. ``person_create`` calls it; forms call it to show errors early."""
    _reject_unknown(data, CREATE_FIELDS)
    record = normalise({**_BLANK, **data})
    register = record.get("register") or ""
    if register and register not in DETAINEE_REGISTERS and not record["register_since"]:
        # A sentenced person's register runs from admission, or from the verdict if it came later.
        known = [d for d in (record.get("admission_date"), record.get("verdict_date")) if d]
        record["register_since"] = max(known) if known else None

    errors = Errors()
    if not upt.is_active:
        errors.add(None, _("UPT %(upt)s tidak aktif; data baru tidak dapat dibuka.") % {"upt": upt.name})
    check_person(errors, record, upt=upt, today=today())
    check_opening(
        errors,
        upt=upt,
        kind=admission_kind,
        document_number=" ".join((admission_document or "").split()),
        origin_upt=origin_upt,
        register=register,
        register_since=record["register_since"],
    )
    _check_photo(errors, photo)
    errors.raise_if_any()
    return record


@transaction.atomic
def person_create(
    *,
    user: Any,
    upt: Upt,
    data: Mapping[str, Any],
    admission_kind: str = MovementKind.ADMISSION,
    admission_document: str,
    origin_upt: Upt | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
    transfer_of: uuid.UUID | None = None,
) -> Person:
    """Open a person's record at ``upt`` together with the movement that brings them in.

    ``data`` holds the person's fields (``register_rules.CREATE_FIELDS``); ``admission_date`` is the date of the
    opening movement, an admission or a transfer in from ``origin_upt`` (``transfer_of``: the sending UPT's
    transfer out it receives, see ``upt.services.transfers``).
    """
    if not can(user, Action.OPERATE, upt):
        raise PermissionDenied
    record = person_create_check(
        upt=upt,
        data=data,
        admission_kind=admission_kind,
        admission_document=admission_document,
        origin_upt=origin_upt,
        photo=photo,
    )
    admission_document = " ".join(admission_document.split())
    rule = MOVEMENT_RULES[admission_kind]
    assert rule.result is not None  # an opening movement always sets the status
    person = Person(upt=upt, status=rule.result, remission_days=0, **record)
    person.expiry_date = person_expiry(person)
    if photo is not None:
        _set_photo(person, photo)
    save_numbered(person, user, field="reg_number")
    save_as(
        Movement(
            person=person,
            upt=upt,
            kind=admission_kind,
            date=person.admission_date,
            document_number=admission_document,
            other_upt=origin_upt if rule.needs_other_upt else None,
            register_to=person.register,
            note=" ".join(note.split()),
            transfer_of=transfer_of if admission_kind == MovementKind.TRANSFER_IN else None,
            recorded_by=user,
        ),
        user,
    )
    ensure_in_scope(person, user, Action.OPERATE)
    return person


def person_update_check(
    *, person: Person, data: Mapping[str, Any], photo: UploadedFile | None = None
) -> dict[str, Any]:
    """Every rule of correcting ``person`` with ``data``, without writing: the normalised changes."""
    _reject_unknown(data, EDITABLE_FIELDS)
    changes = normalise(data)
    record = {field: getattr(person, field) for field in CREATE_FIELDS}
    record.update(changes)
    errors = Errors()
    check_person(errors, record, upt=person.upt, today=today(), exclude_pk=person.pk, register_field="sentence_years")
    _check_photo(errors, photo)
    errors.raise_if_any()
    return changes


@transaction.atomic
def person_update(
    *,
    user: Any,
    person: Person,
    data: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> Person:
    """Correct a person's own fields (``register_rules.EDITABLE_FIELDS``).

    The register, its start date, the admission date and the status follow movements, and remission days
    follow remissions: they change only through those services. ``expected_updated_at`` (the version the
    operator's form was built from) refuses an edit made over someone else's newer one.
    """
    _reject_unknown(data, EDITABLE_FIELDS)
    person = lock_in_scope(Person.objects.select_related("upt"), user, person.pk)
    if expected_updated_at is not None and person.updated_at != expected_updated_at:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Data WBP ini sudah diubah orang lain pada %(when)s sejak formulir ini dibuka. "
                    "Muat ulang halaman, lalu ulangi perubahan Anda."
                )
                % {"when": show_datetime(person.updated_at, zone=True)}
            }
        )
    changes = person_update_check(person=person, data=data, photo=photo)
    for field, value in changes.items():
        setattr(person, field, value)
    person.expiry_date = person_expiry(person)
    if photo is not None:
        _set_photo(person, photo)
    elif remove_photo and person.photo:
        old, storage = person.photo.name, person.photo.storage
        person.photo = ""
        transaction.on_commit(lambda: storage.delete(old))
    save_as(person, user)
    return person


@transaction.atomic
def person_delete(*, user: Any, person: Person) -> None:
    """Remove a record opened in error, with its movements and remissions — the admin's alone.

    The change history keeps every deleted row (who deleted it and when), and the next daily package
    carries the deletion to central.
    """
    if not user.has_perm("upt.delete_person"):
        raise PermissionDenied
    person = lock_in_scope(Person.objects.all(), user, person.pk)
    for remission in person.remissions.all():
        history_author(remission, user)
        remission.delete()
    for movement in person.movements.order_by("-date", "-recorded_at", "-pk"):
        history_author(movement, user)
        movement.delete()
    photo_name, storage = (person.photo.name, person.photo.storage) if person.photo else ("", None)
    history_author(person, user)
    person.delete()
    if photo_name and storage is not None:
        transaction.on_commit(lambda: storage.delete(photo_name))


def person_file_open(*, request: Any, upt: Upt, pk: Any) -> PersonFile:
    """A person's page, opened by the signed-in user: who looked at whose file goes in the audit trail."""
    file = person_file(user=request.user, upt=upt, pk=pk)
    audit_person_viewed(request=request, target=file.person, upt=upt)
    return file
