"""Typed readers for settings taken from the environment.

Each reader raises ``ImproperlyConfigured`` naming the variable when a value cannot be parsed, so a typo
in a deployment stops the process at start-up instead of running with a silently wrong setting.
"""

from __future__ import annotations

import os
from datetime import time
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def load_env_file(path: Any) -> None:
    """Read ``NAME=value`` lines (``#`` comments, blank lines) into the environment, without overriding a
    variable already set: a node's registration (``scripts/node-register`` writes ``var/node.env``) is
    read by every process of the checkout, and an explicit export still wins."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name.strip(), value)


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum {maximum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_time(name: str, default: time) -> time:
    """A wall-clock time written ``HH:MM`` (24-hour)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a time written HH:MM (24-hour).") from exc


def env_database(name: str, default: str) -> dict[str, Any]:
    """A PostgreSQL URL (``postgres://user:password@host:port/name``) turned into a Django DATABASES entry.
    SDP runs on PostgreSQL alone: every SQL statement is written once, for it."""
    url = env_str(name, default)
    assert url is not None
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a PostgreSQL URL, and SDP runs on PostgreSQL only: write "
            f"postgres://user:password@host:port/name, or leave {name} unset for the embedded server."
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={url!r} names no database.")
    return config


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions, CSRF tokens and password resets are signed with it.
    Called by the WSGI and ASGI entry points (``runserver`` loads the WSGI one), not by settings, so that
    commands which sign nothing run without one."""
    from django.conf import settings

    if settings.SDP_SECRET_KEY_MISSING:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: export SECRET_KEY, or run scripts/start once "
            "(it generates var/secret_key), or set DEBUG=true for development."
        )


def _address_entries(value: str) -> list[str]:
    """Split on commas outside a quoted display name ("Hasibuan, Rina" <r@…>) and outside <…>."""
    entries, current, quoted, angle = [], [], False, False
    for char in value:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angle = True
        elif char == ">" and not quoted:
            angle = False
        if char == "," and not quoted and not angle:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]


def _addresses(name: str, value: str) -> list[tuple[str, str]]:
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    pairs = []
    for entry in _address_entries(value):
        display_name, address = parseaddr(entry)
        try:
            # parseaddr keeps the first of "a@x;b@y" and drops the rest without a word: the entry must be the
            # address itself or end with it in <…>.
            if entry != address and not entry.endswith(f"<{address}>"):
                raise ValidationError("not one address")
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a comma-separated list of e-mail addresses "
                f'(e.g. {name}="Tim Operasi <ops@example.go.id>,admin@example.go.id"): {entry!r} is not one.'
            ) from None
        pairs.append((display_name.strip(), address))
    return pairs


def env_admins(name: str) -> list[tuple[str, str]]:
    """``Nama <a@b>,c@d`` → Django's ``ADMINS`` (name, address) pairs; unset or empty: nobody."""
    value = _raw(name)
    if not value:
        return []
    return _addresses(name, value)


def env_email(name: str, default: str) -> str:
    """One sender address, ``addr`` or ``Name <addr>``, as Django's SERVER_EMAIL / DEFAULT_FROM_EMAIL take it."""
    value = _raw(name)
    if not value:
        return default
    if len(_addresses(name, value)) != 1:
        raise ImproperlyConfigured(f"{name}={value!r} must be exactly one e-mail address.")
    return value
