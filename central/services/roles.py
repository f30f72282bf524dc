"""Assigning and revoking a person's role and unit — the one way admin, commands and tests do it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from central.models import Kanwil, Upt
from central.roles import ROLE_GROUP_NAMES, UNIT_PERMISSION, Role
from central.scoping import forget_scope
from central.selectors.roles import user_kanwils, user_role, user_upts
from central.services.tokens import tokens_revoke_all
from central.typing import User


def _grant(user: User) -> tuple[Role | None, frozenset[int], frozenset[int]]:
    return (
        user_role(user=user),
        frozenset(user_upts(user=user).values_list("pk", flat=True)),
        frozenset(user_kanwils(user=user).values_list("pk", flat=True)),
    )


def _tokens_follow_the_role(func: Callable[..., None]) -> Callable[..., None]:
    """Revoke the person's API tokens when the call changed their role or units: a token issued under
    one role must not carry on under another (docs/TRUST.md)."""

    @functools.wraps(func)
    def wrapper(*, user: User, **kwargs: Any) -> None:
        with transaction.atomic():
            before = _grant(user)
            func(user=user, **kwargs)
            forget_scope(user)
            if _grant(user) != before:
                tokens_revoke_all(user=user, why="role")

    return wrapper


@_tokens_follow_the_role
def role_assign(*, user: User, role: Role, upt: Upt | None = None, kanwil: Kanwil | None = None) -> None:
    """Give the person ``role`` for ``upt`` (operators) or ``kanwil`` (monitors).

    A person holds one role: assigning a different one first revokes the old role and all its units.
    An operator may work for several UPTs and a monitor for several Kanwil; each call adds one unit.
    """
    role = Role(role)
    if role is Role.OPERATOR and (upt is None or kanwil is not None):
        raise ValidationError(_("Operator UPT harus ditetapkan pada satu UPT."), code="unit")
    if role is Role.KANWIL and (kanwil is None or upt is not None):
        raise ValidationError(_("Pemantau Kanwil harus ditetapkan pada satu Kanwil."), code="unit")
    if role is Role.CENTRAL and (upt is not None or kanwil is not None):
        raise ValidationError(_("Peran pusat tidak terikat pada UPT atau Kanwil."), code="unit")

    with transaction.atomic():
        current = user_role(user=user)
        if current is not None and current is not role:
            _revoke_everything(user)
        group, _created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        user.groups.add(group)
        if upt is not None:
            assign_perm(UNIT_PERMISSION[Role.OPERATOR], user, upt)
        if kanwil is not None:
            assign_perm(UNIT_PERMISSION[Role.KANWIL], user, kanwil)
        if not user.is_staff:
            # Every role works in the admin as well as on its own pages.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    forget_scope(user)


@_tokens_follow_the_role
def role_revoke(*, user: User, upt: Upt | None = None, kanwil: Kanwil | None = None) -> None:
    """Take away one unit (``upt`` or ``kanwil``), or with neither the person's whole role.

    A person left with no unit loses the role too, so no one holds a role that reaches nothing.
    """
    with transaction.atomic():
        if upt is None and kanwil is None:
            _revoke_everything(user)
        else:
            if upt is not None:
                remove_perm(UNIT_PERMISSION[Role.OPERATOR], user, upt)
            if kanwil is not None:
                remove_perm(UNIT_PERMISSION[Role.KANWIL], user, kanwil)
            forget_scope(user)
            role = user_role(user=user)
            if (role is Role.OPERATOR and not user_upts(user=user).exists()) or (
                role is Role.KANWIL and not user_kanwils(user=user).exists()
            ):
                _revoke_everything(user)
    forget_scope(user)


def _revoke_everything(user: User) -> None:
    for upt in user_upts(user=user):
        remove_perm(UNIT_PERMISSION[Role.OPERATOR], user, upt)
    for kanwil in user_kanwils(user=user):
        remove_perm(UNIT_PERMISSION[Role.KANWIL], user, kanwil)
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP_NAMES.values()))
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_scope(user)


@_tokens_follow_the_role
def role_set(*, user: User, role: Role | None, upts: Sequence[Upt] = (), kanwils: Sequence[Kanwil] = ()) -> None:
    """Make the person's role and units exactly these (the admin's user form uses it).

    ``role=None`` takes the role away. Units not listed are revoked, listed ones assigned.
    """
    with transaction.atomic():
        if role is None:
            _revoke_everything(user)
            return
        role = Role(role)
        units: list[Upt | Kanwil] = (
            list(upts) if role is Role.OPERATOR else list(kanwils) if role is Role.KANWIL else []
        )
        if role is not Role.CENTRAL and not units:
            raise ValidationError(_("Pilih sedikitnya satu unit untuk peran ini."), code="unit")
        if user_role(user=user) not in (None, role):
            _revoke_everything(user)
        if role is Role.CENTRAL:
            role_assign(user=user, role=role)
            return
        current: set[Upt | Kanwil] = (
            set(user_upts(user=user)) if role is Role.OPERATOR else set(user_kanwils(user=user))
        )
        for unit in current - set(units):
            remove_perm(UNIT_PERMISSION[role], user, unit)
        for unit in units:
            if role is Role.OPERATOR:
                role_assign(user=user, role=role, upt=unit)
            else:
                role_assign(user=user, role=role, kanwil=unit)
