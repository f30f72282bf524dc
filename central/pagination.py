"""Pages of a list on the HTML pages: one query parameter, ``?halaman=2``, for every paginated page.

The API keeps DRF's ``?page=`` (its documented contract, ``central.api.contract``); the pages speak
Indonesian first, and a link keeps the list's other parameters (filters, sort), see
``templates/includes/pagination.html``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAM = "halaman"


def page_of(request: HttpRequest, items: Sequence[Any] | Any, per_page: int) -> Page:
    """The page the request asks for; a missing, invalid or too-large number gives the first or last page."""
    return Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAM))


def page_query(request: HttpRequest, number: int) -> str:
    """The request's query string with the page number set to ``number`` (other parameters kept)."""
    query = request.GET.copy()
    query[PAGE_PARAM] = str(number)
    return query.urlencode()
