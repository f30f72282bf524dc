"""SDP Publik's cells: a count, "<5" for a small one, "×" for one hidden so a small one cannot be worked out."""

from django import template

from central.selectors.reports.public import COMPLEMENT, SMALL, SMALL_CELL_LIMIT, Cell
from kanwil import table_framework as tables

register = template.Library()


@register.filter
def cell(value: Cell) -> str:
    if value.hidden == SMALL:
        return f"<{SMALL_CELL_LIMIT}"
    if value.hidden == COMPLEMENT:
        return "×"
    return tables.fmt_int(value.value)


@register.filter
def pct(value: float | None) -> str:
    return tables.fmt_pct(value)


@register.filter
def num(value: int) -> str:
    return tables.fmt_int(value)
