"""Which language a request is answered in."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
