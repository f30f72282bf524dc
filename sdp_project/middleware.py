"""Which language a request is answered in; the health probes answered ahead of the rest."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation


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
