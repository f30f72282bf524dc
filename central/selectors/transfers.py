"""Transfers on their way to a UPT, as central's national register knows them.

A receiving UPT sees, of another UPT's data, only the people that UPT's transfer out sends to it
(``other_upt`` = the receiving UPT), and only as consolidated into the national register: the same for
hosted UPTs and for nodes on their own database, validated, and never a half-typed working record (see
docs/REGISTER.md, "Mutasi masuk"). Only the receiving UPT's operators (and the admin) may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from central.models import NationalMovement, NationalPerson, Upt
from central.reference import MovementKind
from central.scoping import Action, get_scoped_or_404
from central.typing import AnyUser


@dataclass
class IncomingTransfer:
    """One transfer out addressed to the UPT, with the person as the sending UPT recorded them."""

    movement: NationalMovement
    record: NationalPerson | None


def incoming_transfers(*, user: AnyUser, upt: Upt) -> QuerySet[NationalMovement]:
    """Transfers out of other UPTs to ``upt`` that the national register has not yet seen arrive.

    Arrived means: ``upt``'s national register holds the same human (linked identity) admitted on or after
    the transfer's date. Each row carries ``person_nik`` (the sender's record's NIK) so that the UPT can
    also leave out what it has recorded since its last package. Newest first; ``upt`` is checked for
    ``Action.OPERATE`` (another unit answers 404, a unit only viewed 403).
    """
    get_scoped_or_404(Upt.objects.all(), user, Action.OPERATE, pk=upt.pk)
    sender_record = NationalPerson.objects.filter(upt=OuterRef("upt"), reg_number=OuterRef("person_reg_number"))
    arrived = NationalPerson.objects.filter(
        upt=upt,
        identity_id=OuterRef("person_identity"),
        admission_date__gte=OuterRef("date"),
    )
    return (
        NationalMovement.objects.filter(kind=MovementKind.TRANSFER_OUT, other_upt=upt)
        .exclude(upt=upt)
        .annotate(
            person_identity=Subquery(sender_record.values("identity_id")[:1]),
            person_nik=Subquery(sender_record.values("nik")[:1]),
        )
        .exclude(Exists(arrived))
        .select_related("upt")
        .order_by("-date", "-pk")
    )


def incoming_records(movements: list[NationalMovement]) -> list[IncomingTransfer]:
    """Attach to a page of incoming transfers the sender's national record of each person (one query)."""
    keys = {(m.upt_id, m.person_reg_number) for m in movements}
    records: dict[tuple[Any, str], NationalPerson] = {}
    if keys:
        for record in NationalPerson.objects.filter(
            upt_id__in={k[0] for k in keys}, reg_number__in={k[1] for k in keys}
        ):
            records[(record.upt_id, record.reg_number)] = record
    return [IncomingTransfer(movement=m, record=records.get((m.upt_id, m.person_reg_number))) for m in movements]


def incoming_transfer_get(*, user: AnyUser, upt: Upt, uid: Any) -> IncomingTransfer:
    """One transfer out addressed to ``upt``, arrived or not (accepting it twice is the service's to refuse
    with a message); one addressed to another UPT, or an unknown uid, answers 404."""
    get_scoped_or_404(Upt.objects.all(), user, Action.OPERATE, pk=upt.pk)
    try:
        movement = (
            NationalMovement.objects.filter(kind=MovementKind.TRANSFER_OUT, other_upt=upt, uid=uid)
            .exclude(upt=upt)
            .select_related("upt")
            .order_by("pk")
            .first()
        )
    except (ValidationError, ValueError) as exc:
        raise Http404 from exc
    if movement is None:
        raise Http404
    return incoming_records([movement])[0]
