"""Recording the audit trail. Callers pass ids and codes, never person-level data (names, NIK)."""

from __future__ import annotations

import re

from axes.helpers import get_client_ip_address
from django.apps import apps
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext

from central.models import AuditAction, AuditEvent, Channel, ConflictKind, ConflictState, PackageKind, Upt
from central.typing import AnyUser, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, as django-axes resolves it (honouring ``TRUSTED_PROXY_COUNT``)."""
    if request is None:
        return None
    return get_client_ip_address(request) or None


def audit_record(
    *,
    action: AuditAction,
    actor: AnyUser | None = None,
    request: HttpRequest | None = None,
    upt: Upt | None = None,
    target: models.Model | None = None,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's signed-in user; ``username`` names the account
    tried in a failed login, where there is no actor."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user
    account = actor if isinstance(actor, User) else None  # the AnonymousUser is no account
    return AuditEvent.objects.create(
        action=action,
        actor=account,
        actor_username=(account.get_username() if account is not None else username)[:150],
        upt=upt,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        detail=detail[:255],
        ip_address=client_ip(request),
    )


def audit_person_viewed(*, request: HttpRequest, target: models.Model, upt: Upt | None) -> AuditEvent:
    """Someone opened a page showing one person's data (their file, a conflict between records). Only the
    object's id is kept; what they saw can be read from the register itself."""
    return audit_record(action=AuditAction.PERSON_VIEWED, request=request, upt=upt, target=target)


def audit_exported(
    *, request: HttpRequest | None, upt: Upt | None, what: str, actor: AnyUser | None = None
) -> AuditEvent:
    """Someone downloaded a file holding person-level rows (a UPT's package)."""
    return audit_record(action=AuditAction.EXPORTED, actor=actor, request=request, upt=upt, detail=what)


def audit_row_issues_seen(
    *, request: HttpRequest, run: models.Model, scope: str, upt: Upt | None, exported: str = ""
) -> AuditEvent:
    """Someone saw, or with ``exported`` (the format) downloaded, a consolidation run's row issues: their details
    quote person values (a NIK, a birth date) of the scope's records. ``scope`` names the region or unit by
    code ("nasional", "kanwil-33", "upt-LP3301")."""
    if exported:
        return audit_record(
            action=AuditAction.EXPORTED,
            request=request,
            upt=upt,
            target=run,
            detail=f"baris bermasalah {scope} ({exported})",
        )
    return audit_record(
        action=AuditAction.PERSON_VIEWED, request=request, upt=upt, target=run, detail=f"baris bermasalah {scope}"
    )


# What ``submission_receive`` writes for a package: "<kind> · <channel> · <rows> baris · <package id>".
_PACKAGE_DETAIL = re.compile(r"^(?P<kind>\w+) · (?P<channel>\w+) · (?P<rows>\d+) baris · (?P<package>\S+)$")
# What closing a conflict writes: "<conflict kind> → <state>".
_CONFLICT_DETAIL = re.compile(r"^(?P<kind>\w+) → (?P<state>.+)$")


def audit_object_label(object_type: str) -> str:
    """The stored ``app.model`` of an event's object as its model's name in the reader's language."""
    if not object_type:
        return "—"
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type  # a model since removed: its stored name is all there is
    return str(model._meta.verbose_name)


def audit_detail_text(action: str, detail: str) -> str:
    """An event's stored detail in the reader's language: the codes a service stored (package kind and channel,
    conflict kind) become their labels; any other detail is shown as stored."""
    if action == AuditAction.PACKAGE_SENT and (match := _PACKAGE_DETAIL.match(detail)):
        kind, channel = match["kind"], match["channel"]
        return gettext("%(kind)s · %(channel)s · %(rows)s baris · %(package)s") % {
            "kind": PackageKind(kind).label if kind in PackageKind.values else kind,
            "channel": Channel(channel).label if channel in Channel.values else channel,
            "rows": match["rows"],
            "package": match["package"],
        }
    if action == AuditAction.CONFLICT_CLOSED and (match := _CONFLICT_DETAIL.match(detail)):
        kind = match["kind"]
        state = match["state"]
        kind_label = ConflictKind(kind).label if kind in ConflictKind.values else kind
        state_label = ConflictState(state).label if state in ConflictState.values else state
        return f"{kind_label} → {state_label}"
    return detail or "—"
