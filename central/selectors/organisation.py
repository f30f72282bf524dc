"""Reads over the organisation registry, always through the scoping choke point."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from central.models import Kanwil, Upt
from central.scoping import Action
from central.typing import AnyUser


def upts_for(*, user: AnyUser, action: Action = Action.VIEW) -> QuerySet[Upt]:
    return Upt.objects.restrict(user, action).select_related("kanwil")


def kanwils_for(*, user: AnyUser) -> QuerySet[Kanwil]:
    """Regions the user may monitor, with their number of active UPTs and total capacity."""
    return (
        Kanwil.objects.restrict(user, Action.VIEW)
        .annotate(
            active_upts=Count("upts", filter=_active()),
            total_capacity=Sum("upts__capacity", filter=_active()),
        )
        .order_by("name")
    )


def _active() -> Q:
    return Q(upts__is_active=True)
