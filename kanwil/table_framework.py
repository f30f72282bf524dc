"""The report table framework: one ``Table`` definition drives the page, the CSV and XLSX exports and the
print layout.

A ``Table`` is a list of ``Column``s (label, how to read the value from a row, its kind, an optional link,
colour and tooltip) over any rows. Sorting is generic (``?urut=<column>`` or ``-<column>``, missing values
last, send states worst first). Values are formatted here in the active language, for the page and for the
spreadsheet cell alike. Rows are rendered to HTML here rather than in a template loop: national tables have
hundreds of rows of a dozen cells, and building them in Python keeps the page inside its time budget.

The tables themselves are defined in ``kanwil.report_tables``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from central.formats import show_date, show_datetime, show_time
from central.pagination import PAGE_PARAM
from central.selectors.reports.common import WIB, SendState

TEXT, INT, PCT, DATE, DATETIME, TIME, STATE = "text", "int", "pct", "date", "datetime", "time", "state"
NO_DATA = _("Tidak ada data.")


@dataclass
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    link: Callable[[Any], str | None] | None = None
    level: Callable[[Any], str] | None = None  # colour of the cell's badge: red / yellow / green / grey
    title: Callable[[Any], str] | None = None  # tooltip
    sortable: bool = True
    total: Any = None  # the footer's value, if the table has totals
    extra: bool = False  # a secondary column: on the page only behind the "kolom lain" switch; always exported
    full: Callable[[Any], Any] | None = None  # what exports hold when the page shows less (a short name)

    def exported(self, row: Any) -> Any:
        return (self.full or self.value)(row)


@dataclass
class Table:
    key: str
    title: Any
    columns: list[Column]
    rows: list[Any]
    empty: Any = NO_DATA
    totals_label: Any = None
    note: Any = ""
    sort: str = ""
    extra_class: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None  # the page shows the first rows only; exports always hold every row
    more_url: str = ""  # where the whole list is, when the page shows only the first rows
    sticky: bool = False  # long dashboard lists: the header row stays on screen while scrolling

    @property
    def shown_rows(self) -> list[Any]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def cut(self) -> bool:
        return self.limit is not None and len(self.rows) > self.limit

    @property
    def extra_columns(self) -> int:
        return sum(1 for c in self.columns if c.extra)

    def sorted_by(self, sort: str) -> Table:
        """Sort rows by a column (``-key`` for descending); missing values always last."""
        key = sort.lstrip("-")
        column = next((c for c in self.columns if c.key == key and c.sortable), None)
        if column is None:
            return self
        descending = sort.startswith("-")
        present = [r for r in self.rows if _is_sortable_value(column, column.value(r))]
        missing = [r for r in self.rows if not _is_sortable_value(column, column.value(r))]
        present.sort(key=lambda r: _sort_value(column, r), reverse=descending)
        self.rows = present + missing
        self.sort = sort
        return self

    @property
    def has_totals(self) -> bool:
        return self.totals_label is not None


def _is_sortable_value(column: Column, value: Any) -> bool:
    """A number column may hold words instead of a figure ("tidak melebihi"); they sort with the blanks."""
    if value is None:
        return False
    return not (column.kind in (INT, PCT) and isinstance(value, str))


def _sort_value(column: Column, row: Any) -> Any:
    value = column.value(row)
    if column.kind == STATE:
        return SendState.ORDER.get(value, len(SendState.ORDER))  # worst first when ascending
    if isinstance(value, str):
        return value.casefold()
    return value


# --- Formatting --------------------------------------------------------------------------------------


class Formatter:
    """Formats cell values in the active language (Indonesian: 1.234 and 12,5 %).

    Built once per table render: looking separators and labels up for each of thousands of cells would
    cost more than the database queries of a national page.
    """

    def __init__(self):
        self.thousands = get_format("THOUSAND_SEPARATOR")
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.states = {code: str(label) for code, label in SendState.LABELS.items()}

    def int(self, value: Any) -> str:
        if value is None:
            return "—"
        return f"{int(value):,}".replace(",", self.thousands)

    def pct(self, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            return value
        whole, _dot, fraction = f"{float(value):,.1f}".partition(".")
        return f"{whole.replace(',', self.thousands)}{self.decimal}{fraction} %"

    def display(self, column: Column, value: Any) -> str:
        kind = column.kind
        if kind in (INT, PCT) and isinstance(value, str):
            return value  # words in place of a figure, e.g. "tidak melebihi"
        if kind == INT:
            return self.int(value)
        if kind == PCT:
            return self.pct(value)
        if value is None or value == "":
            return "—"
        if kind == DATE:
            return show_date(value)
        if kind == DATETIME:
            return show_datetime(value)
        if kind == TIME:
            return show_time(value)
        if kind == STATE:
            return self.states.get(value, value)
        return str(value)


def fmt_int(value: Any) -> str:
    return Formatter().int(value)


def fmt_pct(value: Any) -> str:
    return Formatter().pct(value)


def fmt_date(value: dt.date | None) -> str:
    return show_date(value, empty="—")


def fmt_datetime(value: dt.datetime | None) -> str:
    return show_datetime(value, empty="—")


def state_label(state: str) -> str:
    return str(SendState.LABELS.get(state, state))


def export_value(column: Column, value: Any) -> Any:
    """The value a spreadsheet cell holds: numbers stay numbers, dates dates, states their label."""
    if value is None:
        return None
    if column.kind == STATE:
        return state_label(value)
    if column.kind == PCT:
        return value if isinstance(value, str) else round(float(value), 1)
    if column.kind in (DATETIME, TIME):
        return timezone.localtime(value, WIB).replace(tzinfo=None)
    if column.kind in (INT, DATE):
        return value
    return str(value)


# --- HTML --------------------------------------------------------------------------------------------


def _sort_link(column: Column, table: Table, query: dict[str, str]) -> SafeString:
    current = table.sort
    if current == column.key:
        target, arrow = f"-{column.key}", " ▲"
    elif current == f"-{column.key}":
        target, arrow = column.key, " ▼"
    else:
        target, arrow = column.key, ""
    params = {k: v for k, v in query.items() if k not in ("urut", PAGE_PARAM, "format", "tabel") and v}
    params["urut"] = target
    return format_html('<a href="?{}">{}</a><span aria-hidden="true">{}</span>', urlencode(params), column.label, arrow)


def _cell(column: Column, row: Any, fmt: Formatter) -> str:
    text = escape(fmt.display(column, column.value(row)))
    if column.level is not None:
        level = column.level(row)
        if level:
            text = f'<span class="badge {level}">{text}</span>'
    if column.link is not None:
        url = column.link(row)
        if url:
            text = f'<a href="{escape(url)}">{text}</a>'
    attrs = _classes(column)
    if column.title is not None:
        title = column.title(row)
        if title:
            attrs += f' title="{escape(title)}"'
    return f"<td{attrs}>{text}</td>"


def _classes(column: Column) -> str:
    classes = ("num " if column.kind in (INT, PCT) else "") + ("col-extra" if column.extra else "")
    return f' class="{classes.strip()}"' if classes else ""


def _extra_switch(table: Table) -> str:
    """The "kolom lain" switch: a plain checkbox that CSS reads (``:has``), so no script is needed and the CSP
    stays strict. Ticked from the start when the table is sorted by a secondary column, so the sorted
    column shows."""
    sorted_by = table.sort.lstrip("-")
    ticked = any(c.extra and c.key == sorted_by for c in table.columns)
    text = ngettext("Tampilkan %(n)s kolom lain", "Tampilkan %(n)s kolom lain", table.extra_columns) % {
        "n": table.extra_columns
    }
    return (
        f'<label class="cols-switch no-print"><input type="checkbox" class="cols-toggle"'
        f' aria-controls="tabel-{escape(table.key)}"{" checked" if ticked else ""}> {escape(text)}</label>'
    )


def render_table(table: Table, query: dict[str, str]) -> SafeString:
    fmt = Formatter()
    head = []
    for column in table.columns:
        css = _classes(column)
        label = _sort_link(column, table, query) if column.sortable else conditional_escape(column.label)
        sort_state = ""
        if table.sort.lstrip("-") == column.key:
            sort_state = ' aria-sort="{}"'.format("descending" if table.sort.startswith("-") else "ascending")
        head.append(f'<th scope="col"{css}{sort_state}>{label}</th>')
    body = []
    for row in table.shown_rows:
        body.append("<tr>" + "".join([_cell(column, row, fmt) for column in table.columns]) + "</tr>")
    if not table.rows:
        body.append(format_html('<tr><td colspan="{}" class="empty">{}</td></tr>', len(table.columns), table.empty))
    foot = ""
    if table.has_totals and table.rows:
        cells: list[str] = []
        labelled = next(i for i, c in enumerate(table.columns) if not c.extra)  # the first column on screen
        for i, column in enumerate(table.columns):
            if i == labelled:
                cells.append(format_html("<td>{}</td>", table.totals_label))
            elif column.total is not None:
                cells.append(f"<td{_classes(column)}>{escape(fmt.display(column, column.total))}</td>")
            else:
                cells.append(f"<td{_classes(column)}></td>")
        foot = "<tfoot><tr>" + "".join(cells) + "</tr></tfoot>"
    classes = "data-table report-table " + table.extra_class
    switch = _extra_switch(table) if table.extra_columns else ""
    wrap = "table-wrap sticky" if table.sticky else "table-wrap"
    html = (
        f'{switch}<div class="{wrap}"><table class="{classes.strip()}" id="tabel-{table.key}">'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody>{foot}</table></div>"
    )
    return mark_safe(html)  # noqa: S308 — every value above is escaped; markup is ours
