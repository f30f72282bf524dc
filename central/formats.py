"""Dates and times as the project writes them, from Python (messages, CSV titles, table cells).

The formats themselves live in ``sdp_project/formats/id/formats.py`` (``FORMAT_MODULE_PATH``); these helpers
only pick one and, for a moment in time, convert it to WIB first, so no module writes "%d-%m-%Y" by hand.
Machine-readable outputs (the API, ISO columns in exports, file names) keep ISO 8601 and do not use these.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.utils import formats, timezone

# What a date box shows when empty: the order the operator types, in either language.
DATE_PLACEHOLDER = "dd-mm-yyyy"

# WIB: the project's one time zone (settings.TIME_ZONE); the pages say it after every time.
ZONE_SUFFIX = "WIB"


def show_date(value: date | datetime | None, empty: str = "") -> str:
    """A date (or a moment's date in WIB) as dd-mm-yyyy."""
    if value is None:
        return empty
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def show_time(value: datetime | time | None, empty: str = "") -> str:
    """A time of day (or a moment in WIB) as HH.MM, without the zone."""
    if value is None:
        return empty
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.time_format(value, "TIME_FORMAT")


def show_datetime(value: datetime | None, empty: str = "", zone: bool = False, seconds: bool = False) -> str:
    """A moment as dd-mm-yyyy HH.MM in WIB; ``seconds`` adds ".SS" (for the moments an audit compares),
    ``zone`` adds " WIB"."""
    if value is None:
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, "DATETIME_FORMAT")
    if seconds:
        text = f"{text}.{value.second:02d}"
    return f"{text} {ZONE_SUFFIX}" if zone else text


class DateTextInput(forms.DateInput):
    """A date box that shows and takes dd-mm-yyyy whatever the browser's language.

    ``<input type=date>`` draws the browser's own order (mm/dd/yyyy in an en-US Chromium even on a page in
    lang="id"), so the project uses a text box: it renders DATE_INPUT_FORMATS[0] (dd-mm-yyyy) and the field
    also accepts ISO yyyy-mm-dd and dd/mm/yyyy (``sdp_project/formats/id/formats.py``)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "maxlength": 10, "class": "date-input"}
        super().__init__(attrs={**defaults, **(attrs or {})})
