"""The receiving UPT's list of people transferred to it ("Mutasi masuk")."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from central.models import NationalMovement, Upt
from central.selectors.transfers import incoming_transfers
from central.typing import AnyUser
from upt.models import Movement, Person


def pending_incoming(*, user: AnyUser, upt: Upt) -> QuerySet[NationalMovement]:
    """Transfers to ``upt`` still to be received: central's list (``incoming_transfers``) without those the
    UPT has accepted, or recorded by hand (same NIK, admitted on or after the transfer's date), since its
    last package reached the national register."""
    accepted = Movement.objects.filter(upt=upt, transfer_of__isnull=False).values("transfer_of")
    recorded = Person.objects.filter(upt=upt, nik=OuterRef("person_nik"), admission_date__gte=OuterRef("date")).exclude(
        nik=""
    )
    return incoming_transfers(user=user, upt=upt).exclude(uid__in=accepted).exclude(Exists(recorded))
