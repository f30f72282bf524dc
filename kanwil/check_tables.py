"""The daily checks' tables (reconciliation and anomalies): one definition for the run page, the Kanwil
dashboard, the UPT's correction list and their CSV/XLSX exports. Rows come from
``central.selectors.reports.daily_checks``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from central.models import AnomalyMetric, ReconciliationState
from central.selectors.reports.daily_checks import DailyCheck
from kanwil.report_tables import upt_report_url
from kanwil.table_framework import DATE, INT, TEXT, Column, Table

STATE_LEVELS = {
    ReconciliationState.BALANCED: "green",
    ReconciliationState.BREAK: "red",
    ReconciliationState.FIRST: "grey",
    ReconciliationState.NO_DATA: "grey",
}


_IN_TITLE = _("Penerimaan + pindahan masuk + tertangkap kembali")
_OUT_TITLE = _("Bebas + pindah keluar + meninggal + melarikan diri")


def movement_details(check: DailyCheck) -> str:
    """The movements received, kind by kind (those that occurred): what explains the day's change."""
    return ", ".join(f"{label} {n}" for label, n in check.flow_items())


def reconciliation_table(checks: Sequence[DailyCheck], *, title: Any, show_kanwil: bool) -> Table:
    states = {value: str(label) for value, label in ReconciliationState.choices}
    columns = [
        Column("kode", _("Kode"), lambda c: c.upt.code),
        Column("upt", _("UPT"), lambda c: c.upt.name, link=lambda c: upt_report_url(c.upt)),
    ]
    if show_kanwil:
        columns.append(Column("kanwil", _("Kanwil"), lambda c: c.upt.kanwil.name))
    columns += [
        Column(
            "status",
            _("Status"),
            lambda c: states.get(c.recon.state, c.recon.state),
            TEXT,
            level=lambda c: STATE_LEVELS.get(c.recon.state, ""),
        ),
        Column("pembanding", _("Snapshot pembanding"), lambda c: c.recon.previous_date, DATE),
        Column("kemarin", _("Penghuni sebelumnya"), lambda c: c.recon.previous_population, INT),
        Column("masuk", _("+ Masuk"), lambda c: c.inflow, INT, title=lambda c: str(_IN_TITLE)),
        Column("keluar", _("− Keluar"), lambda c: c.outflow, INT, title=lambda c: str(_OUT_TITLE)),
        Column("menurut_mutasi", _("Menurut mutasi"), lambda c: c.recon.expected, INT),
        Column("hari_ini", _("Penghuni snapshot"), lambda c: c.population, INT),
        Column(
            "selisih",
            _("Selisih"),
            lambda c: c.recon.difference,
            INT,
            level=lambda c: "red" if c.recon.difference else "",
        ),
        Column("rincian", _("Rincian mutasi"), movement_details, sortable=False),
        Column("keterangan", _("Keterangan"), lambda c: c.explanation, sortable=False),
    ]
    return Table(
        "rekonsiliasi",
        title,
        columns,
        list(checks),
        empty=_("Tidak ada selisih rekonsiliasi."),
        note=_(
            "Penghuni sebelumnya + penerimaan + pindahan masuk + tertangkap kembali − bebas − pindah keluar − "
            "meninggal − melarikan diri = penghuni menurut mutasi. Mutasi dihitung pada hari pusat pertama kali "
            "menerimanya. Keluar sementara dan kembali tidak mengubah jumlah: penghuni yang sedang sidang atau "
            "dirawat tetap dihitung."
        ),
    )


def anomaly_rows(checks: Sequence[DailyCheck]) -> list[tuple[DailyCheck, Any]]:
    order = list(AnomalyMetric.values)
    return [
        (check, anomaly) for check in checks for anomaly in sorted(check.flagged, key=lambda a: order.index(a.metric))
    ]


def anomaly_table(checks: Sequence[DailyCheck], *, title: Any, show_kanwil: bool) -> Table:
    metrics = {value: str(label) for value, label in AnomalyMetric.choices}
    columns = [
        Column("kode", _("Kode"), lambda r: r[0].upt.code),
        Column("upt", _("UPT"), lambda r: r[0].upt.name, link=lambda r: upt_report_url(r[0].upt)),
    ]
    if show_kanwil:
        columns.append(Column("kanwil", _("Kanwil"), lambda r: r[0].upt.kanwil.name))
    columns += [
        Column("ukuran", _("Ukuran"), lambda r: metrics.get(r[1].metric, r[1].metric)),
        Column("nilai", _("Hari ini"), lambda r: r[1].value, INT, level=constant_level("red")),
        Column("median", _("Median riwayat"), lambda r: decimal_text(r[1].median)),
        Column("mad", _("MAD"), lambda r: decimal_text(r[1].mad)),
        Column("skor", _("Skor"), lambda r: decimal_text(r[1].score, signed=True)),
        Column("riwayat", _("Hari riwayat"), lambda r: r[1].history_days, INT),
    ]
    return Table(
        "anomali",
        title,
        columns,
        anomaly_rows(checks),
        empty=_("Tidak ada angka harian yang menyimpang."),
        note=_(
            "Skor = (hari ini − median) ÷ (1,4826 × MAD) atas hari-hari terakhir UPT itu sendiri; ambang dan "
            "panjang riwayat diatur di admin. UPT dengan riwayat terlalu pendek tidak dinilai."
        ),
    )


def constant_level(level: str):
    return lambda row: level


def decimal_text(value: float | None, *, signed: bool = False) -> str:
    """One decimal in the reader's language (12,5 / 12.5); the API gives the same value unrounded."""
    if value is None:
        return ""
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))
