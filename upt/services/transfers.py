"""Receiving a person transferred from another UPT: the record opened from what the sending UPT recorded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from central.models import Upt
from central.reference import MovementKind
from central.register_rules import TRANSFER_CARRIED_FIELDS
from central.scoping import Action, can
from central.selectors.transfers import IncomingTransfer, incoming_transfer_get
from upt.models import Movement, Person
from upt.services.people import person_create

# A detainee's register date is the detention order's, which a transfer does not change; a sentenced
# person's register likewise began before the transfer. Both carry over with TRANSFER_CARRIED_FIELDS.
PREFILLED_FIELDS = (*TRANSFER_CARRIED_FIELDS, "register_since")


def transfer_prefill(incoming: IncomingTransfer) -> dict[str, Any]:
    """The receiving form's initial values: the person as the sending UPT recorded them, the transfer's
    date as the admission date and its letter as the admission document."""
    initial: dict[str, Any] = {}
    if incoming.record is not None:
        initial = {field: getattr(incoming.record, field) for field in PREFILLED_FIELDS}
    initial["admission_date"] = incoming.movement.date
    initial["admission_document"] = incoming.movement.document_number
    return initial


def _already_accepted() -> ValidationError:
    return ValidationError(_("Pindahan ini sudah diterima; data WBP-nya sudah ada di register UPT ini."))


@transaction.atomic
def transfer_accept(
    *,
    user: Any,
    upt: Upt,
    transfer_uid: Any,
    data: Mapping[str, Any],
    admission_document: str,
    note: str = "",
    photo: UploadedFile | None = None,
) -> Person:
    """Open the record of a person transferred to ``upt``, with the transfer in that receives them.

    The transfer must be addressed to ``upt`` (else 404) and not accepted before: the transfer in keeps the
    sending UPT's movement uid (``Movement.transfer_of``), unique per UPT, so two operators accepting the
    same transfer at once get one record and a message.
    """
    if not can(user, Action.OPERATE, upt):
        raise PermissionDenied
    incoming = incoming_transfer_get(user=user, upt=upt, uid=transfer_uid)
    if Movement.objects.filter(upt=upt, transfer_of=incoming.movement.uid).exists():
        raise _already_accepted()
    try:
        with transaction.atomic():
            return person_create(
                user=user,
                upt=upt,
                data=data,
                admission_kind=MovementKind.TRANSFER_IN,
                admission_document=admission_document,
                origin_upt=incoming.movement.upt,
                note=note,
                photo=photo,
                transfer_of=incoming.movement.uid,
            )
    except IntegrityError as exc:
        if "movement_transfer_accepted_once" not in str(exc):
            raise
        raise _already_accepted() from exc
