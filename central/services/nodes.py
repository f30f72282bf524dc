"""Central's registry of UPT nodes: a UPT whose register lives on its own server (``SDP_MODE=upt``).

A node sends its packages to ``POST /api/v1/submissions/`` with a *node credential*: an API token of a
service account that holds exactly the UPT operator's role for that one UPT (``central.services.roles``),
so it may send that UPT's packages and read what that UPT's operators read — nothing else. Issuing one
marks the UPT as a node; from then on central's own entry and "Kirim ke pusat" pages for it refuse (its
register is at the node), while its reports stay as they are.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from central.models import ApiToken, AuditAction, Upt, UptHosting
from central.roles import Role
from central.services.audit import audit_record
from central.services.roles import role_assign
from central.services.tokens import token_issue, token_revoke

NODE_DEVICE_NAME = "Node UPT"
# A node's token lives longer than a person's device token: a lapas's server keeps sending across a long
# outage; central revokes it (or issues a new one) whenever the trust changes.
NODE_TOKEN_TTL = timedelta(days=365)


def node_username(upt: Upt) -> str:
    return f"node-{upt.code.lower()}"


def node_service_user(upt: Upt) -> Any:
    """The service account that sends for ``upt``'s node (created with the operator role if missing)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=node_username(upt), defaults={"first_name": "Node", "last_name": upt.code[:150]}
    )
    if created:
        user.set_unusable_password()  # it signs in with its token only, never on a page
        user.save(update_fields=["password"])
    role_assign(user=user, role=Role.OPERATOR, upt=upt)
    if user.is_staff:
        # role_assign opens the admin to every role; a machine account has no use for it.
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    return user


def node_credential_issue(*, actor: Any, upt: Upt, request: HttpRequest | None = None) -> tuple[Any, str]:
    """Issue (or re-issue: the previous token is revoked) the node credential of ``upt`` and mark the UPT
    as a node. Returns the service user and the raw token, which is shown once and never stored."""
    with transaction.atomic():
        user = node_service_user(upt)
        token, raw = token_issue(user=user, name=NODE_DEVICE_NAME, request=request)
        ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() + NODE_TOKEN_TTL)
        if upt.hosting != UptHosting.NODE:
            Upt.objects.filter(pk=upt.pk).update(hosting=UptHosting.NODE)
            upt.hosting = UptHosting.NODE
        audit_record(
            action=AuditAction.TOKEN_ISSUED,
            actor=actor,
            request=request,
            upt=upt,
            target=upt,
            detail=f"kredensial node {upt.code} untuk {user.get_username()}",
        )
    return user, raw


def node_credential_revoke(*, actor: Any, upt: Upt, request: HttpRequest | None = None) -> int:
    """Revoke every token of ``upt``'s node; the UPT stays a node (its register is still there)."""
    count = 0
    with transaction.atomic():
        for token in ApiToken.objects.filter(user__username=node_username(upt)).select_related("user"):
            token_revoke(token=token, actor=actor, request=request)
            count += 1
    return count


def node_hosting_set(*, actor: Any, upt: Upt, hosting: str, request: HttpRequest | None = None) -> None:
    """Record where ``upt``'s register lives (back to hosted when a node is given up)."""
    hosting = UptHosting(hosting)
    with transaction.atomic():
        Upt.objects.filter(pk=upt.pk).update(hosting=hosting)
        upt.hosting = hosting
        if hosting == UptHosting.HOSTED:
            node_credential_revoke(actor=actor, upt=upt, request=request)
        audit_record(
            action=AuditAction.ROLE_CHANGED,
            actor=actor,
            request=request,
            upt=upt,
            target=upt,
            detail=f"hosting={hosting}",
        )
