"""Which language a request is answered in; the health probes answered ahead of the rest; NUL refused; a
password an administrator set changed first."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from central.services.passwords import PASSWORD_CHANGE_DUE_KEY


class ProbeMiddleware:
    """``/healthz`` and ``/readyz`` go straight to their views, ahead of every later middleware.

    A load balancer probes each server by its address, over plain HTTP: the host check (``ALLOWED_HOSTS``)
    would answer 400 and ``SECURE_SSL_REDIRECT`` a 301, and the server would be taken out of rotation for
    being configured correctly. Nothing later in the chain concerns a probe either: no session, CSRF token,
    language, login or django-axes lockout. The probes' answers name no host and nothing about anyone, so
    answering them for any Host header reveals nothing. (django-alive bypasses the host check the same way.)
    Placed right after ``RequestIdMiddleware``, so a probe's lines still carry a request id.
    """

    PROBES = frozenset({"healthz", "readyz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.rstrip("/").rsplit("/", 1)[-1] in self.PROBES:  # a string test first: most requests stop here
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            if match is not None and match.url_name in self.PROBES and not match.namespace:
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the reader chose English in the language menu.

    Django's own middleware would follow the browser's ``Accept-Language``, and many office computers in
    Indonesia run an English-language browser: staff would meet a national Indonesian system in English
    without asking for it. So pages follow only the explicit choice (the ``django_language`` cookie set by
    the menu). API clients have no menu: for ``/api/`` without that cookie, ``Accept-Language`` is the
    client's explicit choice and is honoured.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """A NUL character anywhere in a request is answered 400 here, once, before any view reads it.

    PostgreSQL text cannot hold NUL: a NUL that reached a query (a UPT code in the path, a filter in the
    query string, a search kept in the session, a session or token key) failed there as a server error.
    No person types a NUL, so the whole request is refused with a clear message rather than each view
    learning to: the path, the query string (raw or percent-encoded), header and cookie values, and the
    fields of a form body (urlencoded everywhere; multipart outside ``/api/``, whose views parse their own
    bodies — a file's contents are not looked at). JSON bodies are the API's to check. docs/TRUST.md.
    Placed right after the probes, so that nothing later (sessions, axes, the views) ever sees the NUL.
    """

    FORM = "application/x-www-form-urlencoded"
    MULTIPART = "multipart/form-data"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._where(request)
        if where is not None:
            return nul_refusal(request, where)
        return self.get_response(request)

    def _where(self, request) -> str | None:
        if "\x00" in request.path_info:
            return "path"
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            return "query"
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                return "header"
        if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            return "cookie"
        if request.method == "POST":
            content_type = request.content_type or ""
            api = request.path_info.startswith("/api/")
            if content_type == self.FORM or (content_type == self.MULTIPART and not api):
                try:
                    fields = request.POST
                except Exception:  # a malformed or oversized body: the usual handling answers it later
                    return None
                for key, values in fields.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return "form"
        return None


def nul_refusal(request, where: str) -> HttpResponse:
    """400 for a request carrying a NUL: JSON in the API's error shape for ``/api/``, the 400 page otherwise."""
    api = request.path_info.startswith("/api/")
    # The language middleware has not run yet: the choice it would make (its rules), made here.
    if api:
        language = translation.get_language_from_request(request)
    else:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
    with translation.override(language):
        message = _("Permintaan mengandung karakter NUL yang tidak diizinkan; hapus karakter itu lalu coba lagi.")
        if api:
            body = {"detail": message, "errors": [{"path": where, "code": "invalid_character", "message": message}]}
            return JsonResponse(body, status=400)
        # Rendered without the request: no later middleware (session, user) has run, nor should it here.
        return HttpResponseBadRequest(loader.render_to_string("400.html", {"message": message}))


class PasswordChangeDueMiddleware:
    """Someone whose password an administrator set is sent to the change page from every other page.

    The sign-in put the mark in the session (``central.services.passwords``): reading it costs no query.
    Left open meanwhile: the change page itself, signing out, the language menu and its script catalogue.
    The API is not concerned: its clients authenticate with a token, not this session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.session.get(PASSWORD_CHANGE_DUE_KEY) and not path.startswith("/api/"):
            change = reverse("password_change")
            open_paths = (change, reverse("logout"), reverse("set_language"), reverse("javascript-catalog"))
            if path not in open_paths:
                return HttpResponseRedirect(f"{change}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
