"""Searches by name, NIK or passport number never travel in a URL.

A URL ends up in the web server's access log, the proxy's log, the browser's history and the ``Referer``
of the next request — places where person-level data has no business. So a search form POSTs its text;
the text is kept in the user's session under a short random token, and the page redirects to a URL that
carries only the token (``?cari=…``) and the filters that say nothing about a person. Pagination, the back
button and bookmarks within the session work as before, because every page of the result is a plain GET.
A token from another session (a shared link) finds nothing and the page says so.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, QueryDict

PARAM = "cari"
TEXT_PARAM = "q"
SESSION_KEY = "sdp_searches"
KEEP = 30  # the latest searches of a session; an older token finds nothing
MAX_LENGTH = 100


def search_token(request: HttpRequest, text: str) -> str:
    """Keep ``text`` in the session and return its token (the same text gets the same token)."""
    text = _clean(text)
    saved: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    for token, value in saved.items():
        if value == text:
            return token
    token = secrets.token_urlsafe(6)
    saved[token] = text
    while len(saved) > KEEP:
        saved.pop(next(iter(saved)))
    request.session[SESSION_KEY] = saved
    return token


def search_text(request: HttpRequest, params: QueryDict) -> tuple[str, bool]:
    """The search text a URL's token stands for, and whether the token (if any) was found."""
    token = params.get(PARAM, "")
    if not token:
        return "", True
    saved = request.session.get(SESSION_KEY, {})
    text = saved.get(token) if isinstance(saved, dict) else None
    if not isinstance(text, str):
        return "", False
    # A text kept before NUL was refused at the boundary would fail every later page of the search.
    return _clean(text), True


def _clean(text: str) -> str:
    """The search text as it may reach a query: no NUL (PostgreSQL text cannot hold it), at most MAX_LENGTH."""
    return text.replace("\x00", "").strip()[:MAX_LENGTH]


def search_query(request: HttpRequest, source: QueryDict, keep: tuple[str, ...]) -> QueryDict:
    """The query string to redirect to: the filters in ``keep`` as given, the search text as a token."""
    query = QueryDict(mutable=True)
    for name in keep:
        value = source.get(name)
        if value:
            query[name] = value
    text = _clean(source.get(TEXT_PARAM, ""))
    if text:
        query[PARAM] = search_token(request, text)
    return query


def carries_search_text(request: HttpRequest) -> bool:
    """A request that brought search text the old way (a GET ``q``, a POSTed form): it is redirected."""
    return request.method == "POST" or TEXT_PARAM in request.GET
