"""Reads about people's roles and units."""

from __future__ import annotations

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from central.models import Kanwil, Upt
from central.roles import ROLE_GROUP_NAMES, UNIT_PERMISSION, Role
from central.typing import AnyUser


def user_role(*, user: AnyUser) -> Role | None:
    """The person's SDP role, from their group (a person has at most one)."""
    if not user.is_authenticated:
        return None
    names = set(user.groups.values_list("name", flat=True))
    for role, group_name in ROLE_GROUP_NAMES.items():
        if group_name in names:
            return role
    return None


def user_upts(*, user: AnyUser) -> QuerySet[Upt]:
    """The UPTs the person operates (explicit assignments only, even for a superuser)."""
    return get_objects_for_user(
        user, UNIT_PERMISSION[Role.OPERATOR], klass=Upt, accept_global_perms=False, with_superuser=False
    ).select_related("kanwil")


def user_kanwils(*, user: AnyUser) -> QuerySet[Kanwil]:
    """The Kanwil the person monitors (explicit assignments only)."""
    return get_objects_for_user(
        user, UNIT_PERMISSION[Role.KANWIL], klass=Kanwil, accept_global_perms=False, with_superuser=False
    )
