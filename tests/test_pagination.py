"""One pager for the HTML lists: every paginated page reads ``?halaman=`` and its links keep the filters.

The API keeps DRF's ``?page=`` (tests/api); these are the pages people click through."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

import upt.views
import upt.views_submission
from central.pagination import PAGE_PARAM
from tests.consolidation.helpers import consolidate, package, person_values
from tests.upt.conftest import admit  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_list(world, admit, monkeypatch):  # noqa: F811
    """Lists of at least three rows on UPT A, and every list cut into pages of two."""
    for n in range(3):
        admit(full_name=f"Halaman Uji {n}")
    # Each submission: three persons with an impossible NIK, so consolidation writes three issues each.
    for s in range(2):
        package(
            world.upt_a,
            persons=[person_values(reg_number=f"BI/{s}{n:02d}/2025", nik="33010217059") for n in range(3)],
        )
    consolidate(world.central)
    monkeypatch.setattr(upt.views, "PAGE_SIZE", 2)
    monkeypatch.setattr(upt.views_submission, "HISTORY_PAGE", 1)
    monkeypatch.setattr(upt.views_submission, "ISSUES_PAGE", 2)


def _rows(response) -> list:
    page = response.context["page"]
    return [getattr(row, "pk", row) for row in page.object_list]


def _upt_pages(world):
    from central.models import Submission

    code = world.upt_a.code
    newest = Submission.objects.filter(upt=world.upt_a).order_by("-received_at").first()
    return {
        "register": reverse("upt:person_list", args=[code]),
        "submissions": reverse("upt:submission_list", args=[code]),
        "submission issues": reverse("upt:submission_detail", args=[code, newest.package_id]),
        "corrections": reverse("upt:correction_list", args=[code]),
    }


@pytest.mark.parametrize("name", ["register", "submissions", "submission issues", "corrections"])
def test_page_two_of_each_list_is_read_from_halaman(client_for, world, two_per_list, name):
    client = client_for(world.operator_a)
    url = _upt_pages(world)[name]
    first = client.get(url)
    second = client.get(url, {PAGE_PARAM: 2})
    assert first.status_code == second.status_code == 200
    assert first.context["page"].number == 1 and second.context["page"].number == 2
    assert _rows(first) and _rows(second) and set(_rows(first)).isdisjoint(_rows(second))
    # The old names move nothing: ?hal= and ?page= are ignored on the pages.
    for old in ("hal", "page"):
        assert client.get(url, {old: 2}).context["page"].number == 1
    # The next link of page 1 is ?halaman=2.
    [link] = re.findall(r'<a class="button" href="\?([^"]*)" rel="next"', first.content.decode())
    assert parse_qs(link.replace("&amp;", "&"))[PAGE_PARAM] == ["2"]


def test_the_pager_keeps_the_filters(client_for, world, two_per_list):
    """Page links carry every other parameter of the list (status, register, sort) and set only halaman."""
    client = client_for(world.operator_a)
    url = reverse("upt:person_list", args=[world.upt_a.code])
    response = client.get(url, {"status": "semua", "register": "A.II", "urut": "nama", PAGE_PARAM: 2})
    html = response.content.decode()
    [previous] = re.findall(r'<a class="button" href="(\?[^"]*)" rel="prev"', html)
    query = parse_qs(urlsplit(previous.replace("&amp;", "&")).query)
    assert query == {"status": ["semua"], "register": ["A.II"], "urut": ["nama"], PAGE_PARAM: ["1"]}
    assert 'aria-label="Halaman"' in html and "Halaman 2 dari 2" in html
