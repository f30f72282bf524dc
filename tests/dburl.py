"""The test database as a URL, for the real processes a test starts (workers, beat, commands)."""

from __future__ import annotations

from urllib.parse import quote


def database_url(settings_dict: dict) -> str:
    """``postgres://user[:password]@host:port/name``; a socket folder (the embedded server's) is
    percent-encoded as the host, which libpq and dj-database-url both read back."""
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(settings_dict.get("HOST") or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"
