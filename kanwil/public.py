"""SDP Publik: occupancy figures for anyone, signed in or not — the nation, a Kanwil, a UPT (docs/REPORTS.md).

The figures (``central.selectors.reports.public``) come from the latest snapshot and are cached per page and
language under the snapshot's version, so a new consolidation shows at once and a visitor costs one query.
Only the figures are cached — rendered without the request, so no CSRF token or user name can be stored and
served to someone else; the header around them (language switch, "Masuk") is rendered for each visitor.
Each client address may open ``PUBLIC_RATE_LIMIT_PER_MINUTE`` pages a minute; beyond that it is answered 429.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from central.models import Kanwil, Upt
from central.selectors.reports import public as public_sel
from central.services.audit import client_ip

RATE_WINDOW_SECONDS = 60
View = Callable[..., HttpResponse]


def _over_limit(request: HttpRequest) -> bool:
    """A fixed window per client address, opened by its first request and kept in the shared cache (the
    count survives across web processes when the cache is Redis)."""
    key = f"publik:rate:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr: this request opens the next one
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.PUBLIC_RATE_LIMIT_PER_MINUTE


def rate_limited(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if _over_limit(request):
            response = render(request, "publik/too_many.html", {"minutes": RATE_WINDOW_SECONDS // 60}, status=429)
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _page(
    request: HttpRequest, *, kanwil: Kanwil | None = None, upt: Upt | None = None, crumbs: list[tuple[str, str]]
) -> HttpResponse:
    version = public_sel.public_version()
    scope = upt.code if upt is not None else kanwil.code if kanwil is not None else "nasional"
    key = f"publik:page:{get_language()}:{scope}:{version}"
    body = cache.get(key)
    if body is None:
        figures = public_sel.public_figures(kanwil=kanwil, upt=upt)
        body = render_to_string(
            "publik/_figures.html",
            {
                "figures": figures,
                "level": "upt" if upt is not None else "kanwil" if kanwil is not None else "nasional",
                "kanwil": kanwil,
                "small_limit": public_sel.SMALL_CELL_LIMIT,
                "small_max": public_sel.SMALL_CELL_LIMIT - 1,
            },
        )
        cache.set(key, body, timeout=settings.PUBLIC_CACHE_SECONDS)
    title = upt.name if upt is not None else kanwil.name if kanwil is not None else ""
    return render(request, "publik/page.html", {"body": body, "title": title, "crumbs": crumbs})


@require_safe
@rate_limited
def national(request: HttpRequest) -> HttpResponse:
    return _page(request, crumbs=[])


@require_safe
@rate_limited
def region(request: HttpRequest, kanwil_code: str) -> HttpResponse:
    kanwil = public_sel.public_kanwil_get(code=kanwil_code)
    return _page(request, kanwil=kanwil, crumbs=[(reverse("publik:national"), _("Nasional"))])


@require_safe
@rate_limited
def unit(request: HttpRequest, kanwil_code: str, upt_code: str) -> HttpResponse:
    kanwil = public_sel.public_kanwil_get(code=kanwil_code)
    upt = public_sel.public_upt_get(kanwil=kanwil, code=upt_code)
    return _page(
        request,
        kanwil=kanwil,
        upt=upt,
        crumbs=[
            (reverse("publik:national"), _("Nasional")),
            (reverse("publik:region", args=[kanwil.code]), kanwil.name),
        ],
    )
