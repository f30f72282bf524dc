"""Passwords an administrator sets must be changed by their holder before they use the system.

An administrator sets a password when creating an account or resetting a forgotten one (the user admin,
``central/admin_users.py``); the holder is then sent to the change page from every page until they choose
their own. The sign-in remembers it in the session (``PASSWORD_CHANGE_DUE_KEY``), so the check on each
request costs no query; an administrator's reset ends the holder's sessions anyway (Django's session hash),
so the next sign-in reads it afresh. API tokens are not concerned: a device is given one by a person who
signed in with their own password. The demo's seeded accounts are not marked (docs/TRUST.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from central.models.account import PasswordChangeDue
from central.typing import AnyUser, User

PASSWORD_CHANGE_DUE_KEY = "sdp_password_change_due"  # noqa: S105 — a session key, not a password


def password_change_require(*, user: User, by: AnyUser | None) -> None:
    """Mark ``user``'s password as set by ``by`` (an administrator): they must change it at next sign-in.

    Someone setting their own password through the user admin is not marked: they chose it themselves.
    """
    if by is not None and by.pk == user.pk:
        return
    PasswordChangeDue.objects.update_or_create(
        user=user, defaults={"set_by": by if isinstance(by, User) else None, "set_at": timezone.now()}
    )


def password_change_due(*, user: User) -> bool:
    return PasswordChangeDue.objects.filter(user=user).exists()


def password_change_remember(*, request: HttpRequest, user: User) -> None:
    """At sign-in: keep in the session whether this person must change their password first."""
    if password_change_due(user=user):
        request.session[PASSWORD_CHANGE_DUE_KEY] = True
    else:
        request.session.pop(PASSWORD_CHANGE_DUE_KEY, None)


def password_changed_by_holder(*, request: HttpRequest, user: User) -> None:
    """The person chose their own password: nothing is due any more."""
    PasswordChangeDue.objects.filter(user=user).delete()
    request.session.pop(PASSWORD_CHANGE_DUE_KEY, None)
