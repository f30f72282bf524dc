"""CSV and XLSX exports of report tables. The XLSX carries the title, the filters in force and a generated-at
line (WIB) above the table; the CSV is the bare table for Indonesian Excel (header first, ``;``, decimal comma)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from central.formats import show_date, show_datetime
from central.selectors.reports.common import WIB
from kanwil.table_framework import DATE, DATETIME, INT, PCT, TIME, Table, export_value

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A text cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (CSV/formula injection: ``=HYPERLINK(…)``, ``@SUM(…)``, DDE through ``+``/``-``; tab and CR shift cells).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Every text cell of every export goes through here: one that a spreadsheet would evaluate gets a
    leading apostrophe, so it is shown as the text it is. Numbers and dates are left as they are (a
    negative number is a number, not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


# The CSV is written for Excel with Indonesian regional settings (Windows' list separator ``;``, decimal
# comma), whatever the language of the page it came from: opened there by a double click, each value lands in
# its own column and each figure is a number. Other programs and settings have the XLSX, which needs none.
CSV_DELIMITER = ";"
CSV_DECIMAL = ","


def _csv_cell(value):
    """A cell as Indonesian Excel parses it: made safe while still typed (a negative figure is a number,
    so it gets no apostrophe when written as ``-12,5``), whole numbers plain (no thousands separator,
    which Excel would read as text), fractions with a decimal comma: 150.0 -> ``150,0``."""
    value = spreadsheet_safe(value)
    if isinstance(value, bool) or not isinstance(value, float | decimal.Decimal):
        return value
    return str(value).replace(".", CSV_DECIMAL)


class _SafeWriter:
    """``csv.writer`` (``;``-separated) whose every cell has been through ``spreadsheet_safe``."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer, delimiter=CSV_DELIMITER)

    def writerow(self, values) -> None:
        self._writer.writerow([_csv_cell(v) for v in values])


def header_lines(title: str, filters: list[tuple[str, str]], generated_at: dt.datetime) -> list[str]:
    """What precedes the table in the XLSX: title, each filter, and when it was made. The CSV has none of
    it: a line above the header would stop Excel from taking the first row as the columns' names."""
    lines = [str(title)]
    lines += [f"{label}: {value}" for label, value in filters]
    lines.append(_("Dibuat pada: %(when)s WIB") % {"when": show_datetime(generated_at)})
    return lines


def filename(stem: str, generated_at: dt.datetime, extension: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-").lower() or "laporan"
    return f"{safe}-{timezone.localtime(generated_at, WIB):%Y%m%d-%H%M}.{extension}"


def _csv_value(table_column, value) -> object:
    if value is None:
        return ""
    if table_column.kind == DATE:
        return show_date(value)
    if table_column.kind in (DATETIME, TIME):
        return show_datetime(value)
    return value


def csv_response(table: Table, *, title: str, filters, generated_at: dt.datetime, stem: str) -> HttpResponse:
    """The header on the first row, then the rows and the totals line; UTF-8 with a byte-order mark, so
    that Excel reads Indonesian names correctly. ``title`` and ``filters`` are the XLSX's (same signature)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = _SafeWriter(buffer)
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(c, export_value(c, c.exported(row))) for c in table.columns])
    if table.has_totals and table.rows:
        writer.writerow(
            [str(table.totals_label)]
            + ["" if c.total is None else _csv_value(c, export_value(c, c.total)) for c in table.columns[1:]]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, generated_at, "csv")}"'
    return response


# Only these kinds get a cell style: styling every cell doubles the time a national table takes to write,
# and whole numbers read fine without one.
NUMBER_FORMATS = {PCT: "0.0", DATE: "DD-MM-YYYY", DATETIME: "DD-MM-YYYY HH:MM", TIME: "DD-MM-YYYY HH:MM"}


def xlsx_response(table: Table, *, title: str, filters, generated_at: dt.datetime, stem: str) -> HttpResponse:
    """A write-only workbook (streams rows, little memory) with typed cells and a frozen header.

    openpyxl writes through lxml when it is installed (a third faster for a national table)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31] or "Laporan")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    lines = header_lines(title, filters, generated_at)
    widths = [max(len(str(c.label)), 8) for c in table.columns]
    for c_index, column in enumerate(table.columns):
        if column.kind in (DATETIME, TIME):
            widths[c_index] = max(widths[c_index], 16)
        elif column.kind == DATE:
            widths[c_index] = max(widths[c_index], 11)
    for row in table.rows[:200]:
        for c_index, column in enumerate(table.columns):
            if column.kind not in (INT, PCT, DATE, DATETIME, TIME):
                widths[c_index] = max(widths[c_index], min(len(str(column.exported(row) or "")), 60))
    for c_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c_index)].width = width + 2
    sheet.freeze_panes = f"A{len(lines) + 3}"

    for i, line in enumerate(lines):
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(line))
        if i == 0:
            cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    sheet.append([])
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(str(column.label)))
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)

    def typed(column, value, *, font=None):
        value = spreadsheet_safe(value)
        number_format = NUMBER_FORMATS.get(column.kind)
        if font is None and (number_format is None or value is None):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        if number_format and value is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        return cell

    for row in table.rows:
        sheet.append([typed(c, export_value(c, c.exported(row))) for c in table.columns])
    if table.has_totals and table.rows:
        totals = [WriteOnlyCell(sheet, value=spreadsheet_safe(str(table.totals_label)))]
        totals[0].font = bold
        totals += [
            typed(c, None if c.total is None else export_value(c, c.total), font=bold) for c in table.columns[1:]
        ]
        sheet.append(totals)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, generated_at, "xlsx")}"'
    return response


def export_response(fmt: str, table: Table, **kwargs) -> HttpResponse:
    """The table as a CSV or XLSX download, never kept by a browser or proxy cache (``Cache-Control: no-store``):
    a shared computer's cache must not hand a report to the next user."""
    response = xlsx_response(table, **kwargs) if fmt == "xlsx" else csv_response(table, **kwargs)
    add_never_cache_headers(response)
    return response
