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


@pytest.fixture
def central_lists(world, two_per_list, monkeypatch):
    """Three consolidation runs and three open conflicts; central's and the report area's lists cut into pages
    of two (the row issues of a run come from ``two_per_list``)."""
    import central.views
    import kanwil.views
    from central.models import Conflict, ConsolidationRun, PersonIdentity

    consolidate(world.central)
    consolidate(world.central)
    run = ConsolidationRun.objects.order_by("pk").first()
    for n in range(3):
        identity = PersonIdentity.objects.create(full_name=f"WBP konflik halaman {n}")
        Conflict.objects.create(kind="active_twice", identity=identity, upt=world.upt_a, state="open", detected_run=run)
    monkeypatch.setattr(central.views, "PAGE_SIZE", 2)
    monkeypatch.setattr(kanwil.views, "RUNS_PER_PAGE", 2)
    monkeypatch.setattr(kanwil.views, "ISSUES_PER_PAGE", 2)
    return run


@pytest.mark.parametrize("name", ["runs", "conflicts", "national activity", "run issues"])
def test_central_and_report_lists_read_halaman(client_for, world, central_lists, name):
    url = {
        "runs": reverse("central:run_list"),
        "conflicts": reverse("central:conflict_list"),
        "national activity": reverse("laporan:national_activity"),
        "run issues": reverse("laporan:national_run", args=[central_lists.pk]),
    }[name]
    client = client_for(world.central)
    first, second = client.get(url), client.get(url, {PAGE_PARAM: 2})
    assert first.status_code == second.status_code == 200
    key = "page" if "page" in first.context and hasattr(first.context["page"], "paginator") else "page_obj"
    one, two = first.context[key], second.context[key]
    assert one.number == 1 and two.number == 2
    rows_one = [getattr(r, "pk", r) for r in one.object_list]
    rows_two = [getattr(r, "pk", r) for r in two.object_list]
    assert rows_one and rows_two and set(rows_one).isdisjoint(rows_two)
    assert client.get(url, {"page": 2}).context[key].number == 1
    [link] = re.findall(r'<a class="button" href="\?([^"]*)" rel="next"', first.content.decode())
    assert parse_qs(link.replace("&amp;", "&"))[PAGE_PARAM] == ["2"]
