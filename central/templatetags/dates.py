"""``{{ moment|wib }}``: a moment as "dd-mm-yyyy HH.MM WIB" (``|wib:"detik"`` adds seconds).

Dates alone are written ``{{ day|date }}`` and times ``{{ t|time }}``: the formats come from
``sdp_project/formats`` for both languages. This filter is for the places that print a moment with its zone
outside a translated sentence."""

from __future__ import annotations

from datetime import datetime

from django import template

from central.formats import show_datetime

register = template.Library()


@register.filter
def wib(value: datetime | None, option: str = "") -> str:
    if not isinstance(value, datetime):
        return ""
    return show_datetime(value, zone=True, seconds=option == "detik")
