"""The one choke point for "who may see or do what, where" (DESIGN §4 and §6).

Every queryset a user sees starts with ``Model.objects.restrict(user, action)`` (or ``restrict(qs, …)``);
single objects go through ``get_scoped_or_404``. Scope is resolved at unit level from django-guardian
object permissions:

- an operator holds ``central.operate_upt`` on each UPT they work for;
- a Kanwil monitor holds ``central.monitor_kanwil`` on their Kanwil and so sees that region's UPTs;
- the central group holds ``view_national``, ``execute_consolidation`` and ``resolve_conflict`` on the
  single ``CentralOffice`` row;
- a superuser (the admin) may do everything except send a UPT's package, which only its operators do.

Model-wide (global) permissions never widen scope: they only decide which kinds of pages a role has.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from guardian.shortcuts import get_objects_for_user, get_perms

from central.replica import decided_on_primary
from central.typing import AnyUser

if TYPE_CHECKING:
    from central.models import Kanwil, Upt

M = TypeVar("M", bound=models.Model)
QS = TypeVar("QS", bound=models.QuerySet[Any])


class Action(StrEnum):
    VIEW = "view"  # records, submissions, runs, results and reports
    OPERATE = "operate"  # enter and edit a UPT's own records
    SUBMIT = "submit"  # send a UPT's daily package — only the UPT's own operators
    CONSOLIDATE = "consolidate"  # execute the national consolidation
    RESOLVE = "resolve"  # resolve conflicts, reopen a submission


_CENTRAL_PERMISSION = {
    Action.VIEW: "view_national",
    Action.CONSOLIDATE: "execute_consolidation",
    Action.RESOLVE: "resolve_conflict",
}


def _cache(user: AnyUser) -> dict[tuple[str, str], Any]:
    # Scope is asked for many times in one request; the answer cannot change within it.
    cache: dict[tuple[str, str], Any] | None = getattr(user, "_sdp_scope_cache", None)
    if cache is None:
        cache = {}
        user._sdp_scope_cache = cache  # type: ignore[union-attr]
    return cache


def forget_scope(user: AnyUser) -> None:
    """Drop the cached scope after a role or unit changes (the role service calls this)."""
    if hasattr(user, "_sdp_scope_cache"):
        del user._sdp_scope_cache
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def _is_live(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_central_permission(user: AnyUser, action: Action) -> bool:
    """Whether the user holds central's object permission for this action (superusers always do)."""
    if not _is_live(user):
        return False
    if user.is_superuser:
        return True
    codename = _CENTRAL_PERMISSION.get(action)
    if codename is None:
        return False
    cache = _cache(user)
    key = ("central", "perms")  # every central permission the user holds, read once per request
    if key not in cache:
        from central.models import CentralOffice  # cycle: central.models imports ScopedQuerySet from here

        # The user's and their groups' object permissions on the office in one checker (two queries),
        # however many actions the page asks about (the admin asks about several).
        cache[key] = frozenset(get_perms(user, CentralOffice.get()))
    return codename in cache[key]


def _operated_upts(user: AnyUser, *, with_superuser: bool) -> models.QuerySet[Upt]:
    from central.models import Upt  # cycle: central.models imports ScopedQuerySet from here

    return get_objects_for_user(
        user, "central.operate_upt", klass=Upt, accept_global_perms=False, with_superuser=with_superuser
    )


def _monitored_kanwils(user: AnyUser) -> models.QuerySet[Kanwil]:
    from central.models import Kanwil  # cycle: central.models imports ScopedQuerySet from here

    return get_objects_for_user(
        user, "central.monitor_kanwil", klass=Kanwil, accept_global_perms=False, with_superuser=False
    )


def scope_upts(user: AnyUser, action: Action) -> models.QuerySet[Upt] | None:
    """The UPTs the user may act on, or ``None`` for "every UPT" (no filter needed)."""
    from central.models import Upt  # cycle: central.models imports ScopedQuerySet from here

    action = Action(action)
    if not _is_live(user):
        return Upt.objects.none()
    cache = _cache(user)
    key = ("upts", action)
    if key in cache:
        cached: models.QuerySet[Upt] | None = cache[key]
        return cached

    result: models.QuerySet[Upt] | None
    if action is Action.VIEW:
        if user.is_superuser or has_central_permission(user, Action.VIEW):
            result = None
        else:
            operated = _operated_upts(user, with_superuser=False).values("pk")
            regions = _monitored_kanwils(user).values("pk")
            result = Upt.objects.filter(models.Q(pk__in=operated) | models.Q(kanwil__in=regions))
    elif action is Action.OPERATE:
        result = None if user.is_superuser else _operated_upts(user, with_superuser=False)
    elif action is Action.SUBMIT:
        result = _operated_upts(user, with_superuser=False)
    else:  # CONSOLIDATE, RESOLVE: national rights, all or nothing
        result = None if has_central_permission(user, action) else Upt.objects.none()
    cache[key] = result = decided_on_primary(result)
    return result


def scope_kanwils(user: AnyUser, action: Action = Action.VIEW) -> models.QuerySet[Kanwil] | None:
    """The regions whose monitoring pages the user may open, or ``None`` for all of them.

    Operators have none: their reports are their own UPT's (DESIGN §4).
    """
    from central.models import Kanwil  # cycle: central.models imports ScopedQuerySet from here

    action = Action(action)
    if not _is_live(user):
        return Kanwil.objects.none()
    if user.is_superuser:
        return None
    if action is Action.VIEW:
        if has_central_permission(user, Action.VIEW):
            return None
        return decided_on_primary(_monitored_kanwils(user))
    if action in (Action.CONSOLIDATE, Action.RESOLVE) and has_central_permission(user, action):
        return None
    return Kanwil.objects.none()  # regions are never operated or submitted for


def restrict(queryset: QS, user: AnyUser, action: Action) -> QS:
    """Filter any queryset of a scoped model down to what the user may do ``action`` on."""
    path = getattr(queryset, "scope_path", None) or getattr(queryset.model, "scope_path", None)
    if path is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_path; it cannot be restricted.")
    if path == "kanwil" and queryset.model._meta.model_name == "kanwil":
        kanwils = scope_kanwils(user, action)
        return queryset if kanwils is None else queryset.filter(pk__in=kanwils.values("pk"))
    upts = scope_upts(user, action)
    if upts is None:
        return queryset
    return queryset.filter(**{f"{path}__in": upts.values("pk")})


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows its way to the owning UPT (``scope_path``: ``"upt"``, ``"person__upt"``…)."""

    scope_path: str | None = "upt"

    def restrict(self, user: AnyUser, action: Action) -> Self:
        return restrict(self, user, action)


def get_scoped_or_404(queryset: models.QuerySet[M], user: AnyUser, action: Action, **lookup: Any) -> M:
    """The object if the user may do ``action`` on it.

    Outside the user's *view* scope it answers 404 (its existence is not revealed); visible but not
    allowed for this action, 403.
    """
    try:
        obj = restrict(queryset, user, Action.VIEW).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if Action(action) is not Action.VIEW and not restrict(queryset, user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def can(user: AnyUser, action: Action, obj: models.Model | None = None) -> bool:
    """Whether the user may do ``action`` on ``obj`` (or, without ``obj``, anywhere at all)."""
    if obj is None:
        if Action(action) in (Action.CONSOLIDATE, Action.RESOLVE):
            return has_central_permission(user, action)
        upts = scope_upts(user, action)
        return upts is None or upts.exists()
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()


def ensure_in_scope(obj: models.Model, user: AnyUser, action: Action) -> None:
    """Raise ``PermissionDenied`` unless ``obj`` is inside the user's scope — used after writes, before
    commit, so that a tampered form field can never move a record into another unit."""
    if not can(user, action, obj):
        raise PermissionDenied
