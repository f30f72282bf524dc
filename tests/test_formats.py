"""Dates dd-mm-yyyy and times HH.MM (WIB) in both languages, from the format modules (sdp_project/formats):
templates, Python messages, the admin and the register's date boxes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, get_format, time_format

from central.formats import show_date, show_datetime, show_time
from tests.upt.conftest import admit, days_ago  # noqa: F401  (admit: the fixture)
from upt.forms import PersonCreateForm

MOMENT = datetime(2026, 12, 3, 7, 5, 9, tzinfo=UTC)  # 14.05.09 WIB


@pytest.mark.parametrize("language", ["id", "en"])
def test_both_languages_write_dd_mm_yyyy_and_hh_mm(language):
    with translation.override(language):
        assert date_format(date(2026, 3, 9)) == "09-03-2026"
        assert date_format(date(2026, 3, 9), "SHORT_DATE_FORMAT") == "09-03-2026"
        assert time_format(time(9, 5)) == "09.05"
        assert show_date(MOMENT) == "03-12-2026"
        assert show_time(MOMENT) == "14.05"
        assert show_datetime(MOMENT) == "03-12-2026 14.05"
        assert show_datetime(MOMENT, zone=True, seconds=True) == "03-12-2026 14.05.09 WIB"
        rendered = Template(
            '{% load dates %}{{ d|date }}|{{ m|date:"DATETIME_FORMAT" }}|{{ m|time }}|{{ m|wib }}|{{ none|wib }}'
        ).render(Context({"d": date(2026, 3, 9), "m": MOMENT, "none": None}))
        assert rendered == "09-03-2026|03-12-2026 14.05|14.05|03-12-2026 14.05 WIB|"
        assert get_format("DATE_INPUT_FORMATS")[:2] == ["%d-%m-%Y", "%Y-%m-%d"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_date_box_shows_and_takes_dd_mm_yyyy(db, world, language):
    """A text box (not type=date, which draws the browser's own order), dd-mm-yyyy or ISO accepted."""
    with translation.override(language):
        form = PersonCreateForm(initial={"birth_date": date(1990, 5, 17)})
        html = str(form["birth_date"])
        assert 'type="text"' in html and 'placeholder="dd-mm-yyyy"' in html and 'value="17-05-1990"' in html
        field = form.fields["birth_date"]
        for typed in ("17-05-1990", "1990-05-17", "17/05/1990"):
            assert field.clean(typed) == date(1990, 5, 17)


@pytest.mark.parametrize("language", ["id", "en"])
def test_admin_lists_dates_and_times_in_the_project_format(client_for, world, admit, language):  # noqa: F811
    person = admit()
    movement = person.movements.get()
    client = client_for(world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("admin:upt_movement_changelist")).content.decode()
    assert show_date(movement.date) in html
    assert show_datetime(movement.recorded_at) in html  # dd-mm-yyyy HH.MM, in WIB
    assert days_ago(30).strftime("%d-%m-%Y") in html


@pytest.mark.parametrize("typed", ["08-03-2026", "2026-03-08", "08/03/2026"])
def test_report_day_box_is_a_dd_mm_yyyy_text_box(db, typed):
    from kanwil.filters import DayFilterForm, RangeFilterForm

    form = DayFilterForm({"tanggal": typed}, today=date(2026, 3, 10))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tanggal"] == date(2026, 3, 8)
    unfilled = RangeFilterForm({}, today=date(2026, 3, 10))
    html = str(unfilled["sampai"])
    assert 'type="text"' in html and 'placeholder="dd-mm-yyyy"' in html and 'value="10-03-2026"' in html
