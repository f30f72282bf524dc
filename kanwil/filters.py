"""The report pages' GET filters, validated with clear Indonesian messages.

Every page reads its filters through one of these forms; the same cleaned values drive the HTML, the CSV
and XLSX exports and the print layout, so an export always shows what the page showed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from central.formats import DateTextInput, show_date
from central.selectors.reports.activity import SEVERITY_CHOICES
from central.selectors.reports.common import EARLIEST_REPORT_DATE, MAX_RANGE_DAYS, UPT_TYPE_CHOICES, report_today

TREND_PERIODS = [(30, _("30 hari")), (90, _("90 hari")), (365, _("365 hari"))]


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateTextInput(),
        error_messages={"invalid": _("Tanggal tidak valid; gunakan format hh-bb-tttt.")},
    )


class ReportFilterForm(forms.Form):
    """Fields every report shares: UPT type and sort order."""

    jenis = forms.ChoiceField(
        label=_("Jenis UPT"),
        required=False,
        choices=[("", _("Semua jenis")), *UPT_TYPE_CHOICES],
        error_messages={"invalid_choice": _("Jenis UPT tidak dikenal.")},
    )
    urut = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, data=None, *, today: dt.date | None = None, **kwargs):
        self.today = today or report_today()
        # Always bound (an unbound form does not clean), with the defaults filled in so that the form
        # shows the day or period the page actually reports on.
        data = data.copy() if data is not None else {}
        for name, value in self.defaults(data).items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, **kwargs)

    def defaults(self, data) -> dict[str, str]:
        return {}

    def _not_future(self, name: str) -> dt.date | None:
        """The day, refused when after today or before the earliest report day (``EARLIEST_REPORT_DATE``)."""
        value = self.cleaned_data.get(name)
        if value and value > self.today:
            raise forms.ValidationError(
                _("Tanggal tidak boleh melewati hari ini (%(today)s).") % {"today": show_date(self.today)}
            )
        if value and value < EARLIEST_REPORT_DATE:
            raise forms.ValidationError(earliest_date_message())
        return value


def earliest_date_message() -> str:
    return _("Tanggal tidak boleh sebelum %(earliest)s.") % {"earliest": show_date(EARLIEST_REPORT_DATE)}


class DayFilterForm(ReportFilterForm):
    """One report day (default: today, WIB)."""

    tanggal = _date_field(_("Tanggal"))

    def defaults(self, data) -> dict[str, str]:
        return {"tanggal": show_date(self.today)}

    def clean_tanggal(self):
        return self._not_future("tanggal") or self.today


class RangeFilterForm(ReportFilterForm):
    """A range of report days (default: today only)."""

    dari = _date_field(_("Dari tanggal"))
    sampai = _date_field(_("Sampai tanggal"))
    default_days = 1

    def defaults(self, data) -> dict[str, str]:
        # A day chosen on another report page (``tanggal``) ends the range; the start defaults relative
        # to the end the user chose, when it is a valid date.
        end_text = data.get("sampai") or data.get("tanggal") or ""
        end = self.today
        for fmt in get_format("DATE_INPUT_FORMATS"):
            try:
                end = dt.datetime.strptime(end_text, fmt).date()
                break
            except ValueError:
                continue
        # A nonsense end (year 1) is refused by clean_sampai; the default start must not overflow meanwhile.
        start = max(end, EARLIEST_REPORT_DATE + dt.timedelta(days=self.default_days - 1)) - dt.timedelta(
            days=self.default_days - 1
        )
        return {"sampai": end_text or show_date(self.today), "dari": show_date(start)}

    def clean_dari(self):
        return self._not_future("dari")

    def clean_sampai(self):
        return self._not_future("sampai")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean hands back cleaned_data
        if self.errors:
            return cleaned
        end = cleaned.get("sampai") or self.today
        start = cleaned.get("dari") or end - dt.timedelta(days=self.default_days - 1)
        if start > end:
            self.add_error("dari", _("Tanggal awal harus sebelum atau sama dengan tanggal akhir."))
        elif (end - start).days + 1 > MAX_RANGE_DAYS:
            self.add_error("dari", _("Rentang paling panjang %(days)s hari.") % {"days": MAX_RANGE_DAYS})
        cleaned["dari"], cleaned["sampai"] = start, end
        return cleaned


class ActivityFilterForm(RangeFilterForm):
    """Consolidation runs of the last two weeks by default."""

    default_days = 14


class RunFilterForm(ReportFilterForm):
    tingkat = forms.ChoiceField(
        label=_("Tingkat"),
        required=False,
        choices=[("", _("Galat dan peringatan")), *SEVERITY_CHOICES],
        error_messages={"invalid_choice": _("Tingkat tidak dikenal.")},
    )


class OccupancyFilterForm(DayFilterForm):
    periode = forms.TypedChoiceField(
        label=_("Periode grafik"),
        required=False,
        coerce=int,
        empty_value=30,  # type: ignore[arg-type]  # coerce=int: the default period is a number
        choices=TREND_PERIODS,
        error_messages={"invalid_choice": _("Periode harus 30, 90 atau 365 hari.")},
    )

    def defaults(self, data) -> dict[str, str]:
        return {**super().defaults(data), "periode": "30"}


class MonthFilterForm(ReportFilterForm):
    """One calendar month as ``mm-yyyy`` (default: this month, WIB)."""

    bulan = forms.CharField(label=_("Bulan"), required=False, max_length=7, widget=forms.TextInput(attrs={"size": 8}))

    def defaults(self, data) -> dict[str, str]:
        return {"bulan": self.today.strftime("%m-%Y")}

    def clean_bulan(self) -> dt.date:
        text = (self.cleaned_data.get("bulan") or "").strip()
        try:
            month = dt.datetime.strptime(text, "%m-%Y").date()
        except ValueError:
            raise forms.ValidationError(_("Bulan tidak valid; gunakan format bb-tttt, mis. 03-2026.")) from None
        if month > self.today.replace(day=1):
            raise forms.ValidationError(_("Bulan tidak boleh melewati bulan ini."))
        if month < EARLIEST_REPORT_DATE:
            raise forms.ValidationError(earliest_date_message())
        return month
