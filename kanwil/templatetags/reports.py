"""Template helpers of the report pages: a table with its export links, and number formats."""

from django import template
from django.template.loader import render_to_string

from central.selectors.reports.common import SendState
from kanwil import table_framework as tables

register = template.Library()


@register.simple_tag(takes_context=True)
def report_table(context, key: str, heading: bool = True):
    """One of the page's tables with its title and CSV/XLSX links (nothing if the page has no such table)."""
    table = context.get("tables", {}).get(key)
    if table is None:
        return ""
    return render_to_string(
        "kanwil/includes/table.html",
        {
            "table": table,
            "html": context["rendered"][key],
            "links": context["exports"][key],
            "heading": heading,
        },
    )


@register.filter
def num(value):
    return tables.fmt_int(value)


@register.filter
def pct(value):
    return tables.fmt_pct(value)


@register.filter
def state_label(value):
    return tables.state_label(value)


@register.filter
def state_level(value):
    return SendState.LEVELS.get(value, "")
