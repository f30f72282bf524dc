"""English plurals: one of a thing is singular ("1 month", "1 UPT has"), never "1 months" or "1 UPTs".
Indonesian has no plural form, so every counted phrase uses blocktranslate's count."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from central.selectors.reports.status import StatusTotals


def english(template: str, context: dict) -> str:
    with translation.override("en"):
        return " ".join(render_to_string(template, context).split())


@pytest.mark.parametrize(
    ("days", "expected", "wrong"),
    [
        (1, "1 day", "1 days"),
        (2, "2 days", None),
        (-1, "1 day overdue", "1 days overdue"),
        (-5, "5 days overdue", None),
        (20, "20 days", None),
    ],
)
def test_days_left(days, expected, wrong):
    text = english("upt/_days_left.html", {"days": days, "red": 3, "yellow": 10})
    assert expected in text
    if wrong:
        assert wrong not in text


def test_status_cards_without_snapshot():
    totals = StatusTotals(upts=1)  # one UPT, without a snapshot
    text = english("kanwil/includes/status_cards.html", {"totals": totals})
    assert "1 UPT has no occupancy snapshot yet" in text and "1 UPTs" not in text
    totals.upts = 3
    assert "3 UPTs have no occupancy snapshot yet" in english("kanwil/includes/status_cards.html", {"totals": totals})


def test_packages_waiting_for_central():
    central = SimpleNamespace(
        waiting=SimpleNamespace(submissions=1, upts=1, rows=1),
        open_conflicts=0,
        recent_runs=[],
        may_consolidate=False,
        active_run=None,
    )
    text = english("kanwil/includes/central_operations.html", {"central": central})
    assert "1 UPT · 1 row" in text and "UPTs" not in text
    central.waiting = SimpleNamespace(submissions=4, upts=2, rows=1500)
    assert "2 UPTs · 1,500 rows" in english("kanwil/includes/central_operations.html", {"central": central})


@pytest.mark.django_db
def test_operator_home_badges(client_for, world):
    client = client_for(world.operator_a)
    url = reverse("upt:home", kwargs={"upt_code": world.upt_a.code})
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = " ".join(client.get(url).content.decode().split())
    assert "≤ 1 month:" in page and "≤ 2 months:" in page and "≤ 3 days:" in page
    assert "≤ 1 months" not in page
