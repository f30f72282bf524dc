"""The lifecycle of API tokens: issued per device, revoked one by one or all at once.

Every token of a person is revoked when their password changes, their account is deactivated or their
role changes (``central.services.roles``): a token must not outlive the trust it was issued under.
Issuing and revoking are recorded in the audit trail (the device name, never the token).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from central.models import ApiToken, AuditAction
from central.models.tokens import DEFAULT_DEVICE_NAME
from central.services.audit import audit_record


def token_issue(*, user: Any, name: str = "", request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``'s device ``name``; the device's previous token, if any, is revoked.
    Returns the stored token and the secret, which is shown once and never stored."""
    name = " ".join((name or "").split())[:100] or DEFAULT_DEVICE_NAME
    with transaction.atomic():
        for old in ApiToken.objects.select_for_update().filter(user=user, name=name):
            _revoke(old, actor=user, request=request, why="replaced")
        token, secret = ApiToken.objects.create(user=user, name=name)
        _audit(AuditAction.TOKEN_ISSUED, token, actor=user, request=request, why="")
    return token, secret


def token_revoke(*, token: ApiToken, actor: Any, request: HttpRequest | None = None) -> None:
    """Revoke one token (its owner from their page, or the admin)."""
    _revoke(token, actor=actor, request=request, why="revoked")


def tokens_revoke_all(*, user: Any, why: str, actor: Any = None, request: HttpRequest | None = None) -> int:
    """Revoke every token of ``user``; ``why`` (password, deactivated, role, everywhere) goes to the trail."""
    count = 0
    for token in ApiToken.objects.filter(user=user):
        _revoke(token, actor=actor, request=request, why=why)
        count += 1
    return count


def sessions_end_others(*, user: Any, keep: str | None = None) -> int:
    """End every signed-in browser session of ``user`` except the one with key ``keep``.

    Sessions are stored signed, not indexed by user: the live ones are decoded (a working day's worth).
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def sign_out_everywhere(*, user: Any, request: HttpRequest) -> tuple[int, int]:
    """Revoke all of ``user``'s tokens and end their other sessions; this browser stays signed in."""
    tokens = tokens_revoke_all(user=user, why="everywhere", actor=user, request=request)
    sessions = sessions_end_others(user=user, keep=request.session.session_key)
    return tokens, sessions


def _revoke(token: ApiToken, *, actor: Any, request: HttpRequest | None, why: str) -> None:
    _audit(AuditAction.TOKEN_REVOKED, token, actor=actor, request=request, why=why)
    token.delete()


def _audit(action: AuditAction, token: ApiToken, *, actor: Any, request: HttpRequest | None, why: str) -> None:
    # The token is named by its public id and device, never by its digest (the primary key).
    detail = f"{token.user.get_username()}: {token.name}" + (f" ({why})" if why else "")
    event = audit_record(action=action, actor=actor, request=request, detail=detail)
    event.object_type, event.object_id = ApiToken._meta.label_lower, str(token.public_id)
    event.save(update_fields=["object_type", "object_id"])


# --- Revoked on a change of trust ------------------------------------------------------------------------

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="central.tokens.note_trust_change")
def _note_trust_change(
    sender: type[Any], instance: Any, raw: bool = False, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    """Before a user is saved: has the password changed, or is the account being deactivated?

    Every way a password is set (the admin's set-password form, ``changepassword``, a reset) ends in this
    save, so none can be missed. (A hash upgraded by Django at login also counts: rare, and harmless.)
    """
    instance._trust_change = None
    if raw or instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        instance._trust_change = "password"
    elif before["is_active"] and not instance.is_active:
        instance._trust_change = "deactivated"


@receiver(post_save, sender=User, dispatch_uid="central.tokens.revoke_on_trust_change")
def _revoke_on_trust_change(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    why = getattr(instance, "_trust_change", None)
    if why:
        instance._trust_change = None
        tokens_revoke_all(user=instance, why=why)
