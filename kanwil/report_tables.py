"""The report tables: which columns each table of the report pages has, over the rows of
``central.selectors.reports``. Built on the generic ``kanwil.table_framework``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from central.models.organisation import short_upt_name
from central.selectors.reports.common import UPT_TYPE_CHOICES, SendState
from kanwil.table_framework import DATE, DATETIME, INT, PCT, STATE, TIME, Column, Table

# --- Column helpers ------------------------------------------------------------------------------------


class _UrlPattern:
    """``reverse()`` once, then fill in the code: reversing for each of 531 rows is measurable."""

    def __init__(self, name: str):
        self.name = name
        self._cached: tuple[str, str] | None = None

    def __call__(self, code: str) -> str:
        prefix = get_script_prefix()
        if self._cached is None or self._cached[0] != prefix:
            self._cached = (prefix, reverse(self.name, kwargs={"code": "__code__"}))
        return self._cached[1].replace("__code__", quote(code, safe=""))


_UPT_URL = _UrlPattern("laporan:upt")
_REGION_URL = _UrlPattern("laporan:region")


def upt_type_label(get_upt: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The UPT type's label, translated once per table (``get_upt_type_display`` translates every row)."""
    labels = {value: str(label) for value, label in UPT_TYPE_CHOICES}
    return lambda row: labels.get(get_upt(row).upt_type, "")


def constant(text: str) -> Callable[[Any], str]:
    return lambda row: text


def never_sent_title() -> Callable[[Any], str]:
    text = gettext("Belum pernah mengirim")
    return lambda row: "" if row.last_sent_date else text


def upt_short_name(upt) -> str:
    """A UPT's name as dashboards show it: "Lapas IIA Cibinong" for "Lapas Kelas IIA Cibinong". The full name
    is in the cell's tooltip; 42 names of three lines each would push a region's table off the screen."""
    return short_upt_name(upt.name)


def kanwil_short_name(kanwil) -> str:
    """A region as dashboards show it: its province ("Jawa Tengah", not "Kanwil Ditjenpas Jawa Tengah")."""
    return kanwil.province or kanwil.name


def upt_report_url(upt) -> str:
    return _UPT_URL(upt.code)


def region_url(kanwil) -> str:
    return _REGION_URL(kanwil.code)


def rate_columns(get: Callable[[Any], Any], occ=None, *, sortable: bool = True) -> list[Column]:
    """The occupancy rate (coloured by ``central.reference.occupancy_level``) and the overcrowding, shown
    only when over capacity ("tidak melebihi" otherwise)."""
    return [
        Column(
            "tingkat_hunian",
            _("Tingkat hunian"),
            lambda r: get(r).occupancy_rate,
            PCT,
            level=lambda r: get(r).level,
            sortable=sortable,
            total=occ and occ.occupancy_rate,
        ),
        Column(
            "kepadatan",
            _("Kelebihan hunian"),
            lambda r: get(r).overcrowding_shown,
            PCT,
            level=lambda r: "red" if get(r).overcrowding is not None else "",
            sortable=sortable,
            total=occ and occ.overcrowding_shown,
        ),
    ]


# --- The report tables -----------------------------------------------------------------------------------


def _upt_name_column(get_upt: Callable[[Any], Any], *, sortable: bool = True) -> Column:
    """The UPT's short name, linked to its page, its full name and code in the tooltip and the exports."""
    return Column(
        "upt",
        _("UPT"),
        lambda r: upt_short_name(get_upt(r)),
        full=lambda r: get_upt(r).name,
        link=lambda r: upt_report_url(get_upt(r)),
        title=lambda r: f"{get_upt(r).name} ({get_upt(r).code})",
        sortable=sortable,
    )


def _kanwil_name_column(get_kanwil: Callable[[Any], Any], *, sortable: bool = True, link: bool = False) -> Column:
    return Column(
        "kanwil",
        _("Kanwil"),
        lambda r: kanwil_short_name(get_kanwil(r)),
        full=lambda r: get_kanwil(r).name,
        link=(lambda r: region_url(get_kanwil(r))) if link else None,
        title=lambda r: get_kanwil(r).name,
        sortable=sortable,
    )


def _overstay_columns(get: Callable[[Any], Any], occ) -> list[Column]:
    """The overstay sentinel's two counts (red when any): detainees past their limit, narapidana past expiry."""
    return [
        Column(
            "tahanan_lewat_batas",
            _("Tahanan lewat batas"),
            lambda r: get(r).overstay_detainees,
            INT,
            level=lambda r: "red" if get(r).overstay_detainees else "",
            total=occ.overstay_detainees,
        ),
        Column(
            "napi_lewat_ekspirasi",
            _("Napi lewat ekspirasi"),
            lambda r: get(r).overstay_sentenced,
            INT,
            level=lambda r: "red" if get(r).overstay_sentenced else "",
            total=occ.overstay_sentenced,
        ),
    ]


def _extra(columns: list[Column]) -> list[Column]:
    for column in columns:
        column.extra = True
    return columns


def upt_status_table(statuses: Sequence, totals, *, title, show_kanwil: bool = False) -> Table:
    """The dashboard's UPT table. What a Kanwil watches comes first and fits a 1366-pixel screen: today's two
    sends, the silence, and occupancy against capacity. The rest (code, type, the last consolidation's
    figures, detainees and sentenced) sits behind the "kolom lain" switch and in every export."""
    occ = totals.occupancy
    # The code stays the first column of the exports (spreadsheets are keyed by it); on the page it is secondary.
    columns = [*_extra([Column("kode", _("Kode"), lambda s: s.upt.code)]), _upt_name_column(lambda s: s.upt)]
    if show_kanwil:
        columns.append(_kanwil_name_column(lambda s: s.upt.kanwil))
    columns += [
        Column(
            "hunian_10",
            _("Kiriman 10.00"),
            lambda s: s.occupancy_state,
            STATE,
            level=lambda s: SendState.LEVELS[s.occupancy_state],
            title=constant(gettext("Data tahanan dan hunian, batas 10.00 WIB")),
        ),
        Column(
            "lain_14",
            _("Kiriman 14.00"),
            lambda s: s.other_state,
            STATE,
            level=lambda s: SendState.LEVELS[s.other_state],
            title=constant(gettext("Perubahan lainnya, batas 14.00 WIB")),
        ),
        Column(
            "beruntun",
            _("Hari tidak kirim beruntun"),
            lambda s: s.missed_streak,
            INT,
            level=lambda s: "red" if (s.missed_streak or 0) >= 2 else "",
        ),
        Column("penghuni", _("Jumlah penghuni"), lambda s: s.occupancy.total, INT, total=occ.total),
        Column("kapasitas", _("Kapasitas"), lambda s: s.occupancy.capacity, INT, total=totals.capacity),
        *rate_columns(lambda s: s.occupancy, occ),
        Column(
            "data_per",
            _("Data hunian per"),
            lambda s: s.snapshot_date,
            DATE,
            level=lambda s: "yellow" if s.stale else "",
        ),
        *_extra(
            [
                Column("jenis", _("Jenis"), upt_type_label(lambda s: s.upt)),
                Column("diterima", _("Pertama diterima"), lambda s: s.first_received_at, TIME),
                Column(
                    "konsolidasi",
                    _("Konsolidasi terakhir"),
                    lambda s: s.result.run_at if s.result else None,
                    DATETIME,
                ),
                Column(
                    "diterima_baris",
                    _("Baris lolos"),
                    lambda s: s.result.rows_accepted if s.result else None,
                    INT,
                    total=totals.rows_accepted,
                ),
                Column(
                    "ditolak",
                    _("Ditolak"),
                    lambda s: s.result.rows_rejected if s.result else None,
                    INT,
                    level=lambda s: "red" if s.result and s.result.rows_rejected else "",
                    link=lambda s: (
                        reverse("laporan:upt_run", kwargs={"code": s.upt.code, "run_id": s.result.run_id})
                        if s.result and (s.result.rows_rejected or s.result.rows_warned)
                        else None
                    ),
                    total=totals.rows_rejected,
                ),
                Column(
                    "peringatan",
                    _("Peringatan"),
                    lambda s: s.result.rows_warned if s.result else None,
                    INT,
                    total=totals.rows_warned,
                ),
                Column(
                    "konflik",
                    _("Konflik terbuka"),
                    lambda s: s.open_conflicts,
                    INT,
                    level=lambda s: "yellow" if s.open_conflicts else "",
                    total=totals.open_conflicts,
                ),
                Column("tahanan", _("Tahanan"), lambda s: s.occupancy.detainees, INT, total=occ.detainees),
                Column("napi", _("Narapidana"), lambda s: s.occupancy.sentenced, INT, total=occ.sentenced),
                *_overstay_columns(lambda s: s.occupancy, occ),
            ]
        ),
    ]
    return Table("upt", title, columns, list(statuses), totals_label=_("Jumlah"), sticky=True)


def kanwil_status_table(rows: Sequence, totals, *, title) -> Table:
    """National dashboard: one line per region, named by its province; sends and occupancy first, rejected
    rows, conflicts, detainees and sentenced behind the "kolom lain" switch."""
    occ = totals.occupancy
    columns = [
        _kanwil_name_column(lambda r: r.kanwil, link=True),
        Column("upt", _("UPT"), lambda r: r.totals.upts, INT, total=totals.upts),
        Column("tepat", _("Tepat waktu"), lambda r: r.totals.on_time, INT, total=totals.on_time),
        Column(
            "terlambat",
            _("Terlambat"),
            lambda r: r.totals.late,
            INT,
            level=lambda r: "yellow" if r.totals.late else "",
            total=totals.late,
        ),
        Column(
            "belum",
            _("Belum/tidak kirim"),
            lambda r: r.totals.not_sent,
            INT,
            level=lambda r: "red" if r.totals.missed else "",
            total=totals.not_sent,
        ),
        Column("penghuni", _("Jumlah penghuni"), lambda r: r.totals.occupancy.total, INT, total=occ.total),
        Column("kapasitas", _("Kapasitas"), lambda r: r.totals.occupancy.capacity, INT, total=totals.capacity),
        *rate_columns(lambda r: r.totals.occupancy, occ),
        Column(
            "padat",
            _("UPT melebihi kapasitas"),
            lambda r: r.totals.over_capacity,
            INT,
            total=totals.over_capacity,
        ),
        *_extra(
            [
                Column(
                    "ditolak", _("Baris ditolak"), lambda r: r.totals.rows_rejected, INT, total=totals.rows_rejected
                ),
                Column(
                    "konflik",
                    _("Konflik terbuka"),
                    lambda r: r.totals.open_conflicts,
                    INT,
                    total=totals.open_conflicts,
                ),
                Column("tahanan", _("Tahanan"), lambda r: r.totals.occupancy.detainees, INT, total=occ.detainees),
                Column("napi", _("Narapidana"), lambda r: r.totals.occupancy.sentenced, INT, total=occ.sentenced),
                *_overstay_columns(lambda r: r.totals.occupancy, occ),
            ]
        ),
    ]
    return Table("kanwil", title, columns, list(rows), totals_label=_("Nasional"), sticky=True)


def overcrowded_table(statuses: Sequence, *, title) -> Table:
    """The most overcrowded UPTs (a top ten, in half the page's width): occupancy only."""
    columns = [
        _upt_name_column(lambda s: s.upt, sortable=False),
        _kanwil_name_column(lambda s: s.upt.kanwil, sortable=False),
        Column("penghuni", _("Penghuni"), lambda s: s.occupancy.total, INT),
        Column("kapasitas", _("Kapasitas"), lambda s: s.occupancy.capacity, INT),
        *rate_columns(lambda s: s.occupancy, sortable=False),
        *_extra(
            [
                Column("tahanan", _("Tahanan"), lambda s: s.occupancy.detainees, INT),
                Column("napi", _("Narapidana"), lambda s: s.occupancy.sentenced, INT),
            ]
        ),
    ]
    for column in columns:
        column.sortable = False
    return Table("terpadat", title, columns, list(statuses), empty=_("Tidak ada UPT yang melebihi kapasitas."))


def not_sent_table(statuses: Sequence, *, title, limit: int | None = None, more_url: str = "") -> Table:
    """UPTs without a package for the day, longest silence first; a dashboard shows the first ``limit`` and
    links to the whole list (``more_url``)."""
    columns = [
        _upt_name_column(lambda s: s.upt),
        _kanwil_name_column(lambda s: s.upt.kanwil),
        Column(
            "status",
            _("Status 10.00"),
            lambda s: s.occupancy_state,
            STATE,
            level=lambda s: SendState.LEVELS[s.occupancy_state],
        ),
        Column("terakhir", _("Terakhir kirim"), lambda s: s.last_sent_date, DATE),
        Column(
            "beruntun",
            _("Hari tidak kirim beruntun"),
            lambda s: s.missed_streak,
            INT,
            level=lambda s: "red" if (s.missed_streak or 0) >= 2 else "",
        ),
    ]
    return Table(
        "belum_kirim",
        title,
        columns,
        list(statuses),
        empty=_("Semua UPT sudah mengirim data."),
        limit=limit,
        more_url=more_url,
    )


def compliance_table(rows: Sequence, totals, *, title, show_kanwil: bool) -> Table:
    """The compliance report over a range: per UPT, days sent, late, missed and streaks."""
    columns = [
        Column("kode", _("Kode"), lambda r: r.upt.code),
        Column("upt", _("UPT"), lambda r: r.upt.name, link=lambda r: upt_report_url(r.upt)),
    ]
    if show_kanwil:
        columns.append(Column("kanwil", _("Kanwil"), lambda r: r.upt.kanwil.name))
    columns += [
        Column("jenis", _("Jenis"), upt_type_label(lambda r: r.upt)),
        Column("hari_kirim", _("Hari kirim"), lambda r: r.sent_days, INT, total=totals.sent_closed_days),
        Column("paket", _("Paket"), lambda r: r.packages, INT),
        Column(
            "telat_10",
            _("Terlambat 10.00 (hari)"),
            lambda r: r.late_occupancy_days,
            INT,
            level=lambda r: "yellow" if r.late_occupancy_days else "",
            total=totals.late_occupancy_days,
        ),
        Column(
            "telat_14",
            _("Terlambat 14.00 (hari)"),
            lambda r: r.late_other_days,
            INT,
            level=lambda r: "yellow" if r.late_other_days else "",
            total=totals.late_other_days,
        ),
        Column(
            "tidak_kirim",
            _("Tidak kirim (hari)"),
            lambda r: r.missed_days,
            INT,
            level=lambda r: "red" if r.missed_days else "",
            total=totals.missed_days,
        ),
        Column("terpanjang", _("Beruntun terpanjang"), lambda r: r.longest_missed_streak, INT),
        Column(
            "beruntun",
            _("Beruntun saat ini"),
            lambda r: r.current_missed_streak,
            INT,
            level=lambda r: "red" if (r.current_missed_streak or 0) >= 2 else "",
            title=never_sent_title(),
        ),
        Column("terakhir", _("Terakhir kirim"), lambda r: r.last_sent_date, DATE),
        Column(
            "kepatuhan",
            _("Kepatuhan"),
            lambda r: r.compliance_percent,
            PCT,
            level=lambda r: r.level,
            total=totals.compliance_percent,
        ),
    ]
    return Table("kepatuhan", title, columns, list(rows), totals_label=_("Jumlah"))


def daily_list_table(statuses: Sequence, *, title, show_kanwil: bool) -> Table:
    """The list Ditjenpas publishes daily: who sent (when, on time or late) and who did not."""
    columns = [
        Column("kode", _("Kode"), lambda s: s.upt.code),
        Column("upt", _("UPT"), lambda s: s.upt.name, link=lambda s: upt_report_url(s.upt)),
    ]
    if show_kanwil:
        columns.append(Column("kanwil", _("Kanwil"), lambda s: s.upt.kanwil.name))
    columns += [
        Column("jenis", _("Jenis"), upt_type_label(lambda s: s.upt)),
        Column(
            "hunian_10",
            _("Hunian (10.00)"),
            lambda s: s.occupancy_state,
            STATE,
            level=lambda s: SendState.LEVELS[s.occupancy_state],
        ),
        Column(
            "lain_14",
            _("Lainnya (14.00)"),
            lambda s: s.other_state,
            STATE,
            level=lambda s: SendState.LEVELS[s.other_state],
        ),
        Column("pertama", _("Pertama diterima"), lambda s: s.first_received_at, DATETIME),
        Column("terakhir_diterima", _("Terakhir diterima"), lambda s: s.last_received_at, DATETIME),
        Column("paket", _("Paket"), lambda s: s.packages, INT),
        Column(
            "beruntun",
            _("Hari tidak kirim beruntun"),
            lambda s: s.missed_streak,
            INT,
            level=lambda s: "red" if (s.missed_streak or 0) >= 2 else "",
            title=never_sent_title(),
        ),
    ]
    return Table("harian", title, columns, list(statuses))


def upt_history_table(days: Sequence, *, title) -> Table:
    columns = [
        Column("tanggal", _("Tanggal"), lambda d: d.day, DATE),
        Column(
            "hunian_10",
            _("Hunian (10.00)"),
            lambda d: d.occupancy_state,
            STATE,
            level=lambda d: SendState.LEVELS[d.occupancy_state],
        ),
        Column(
            "lain_14",
            _("Lainnya (14.00)"),
            lambda d: d.other_state,
            STATE,
            level=lambda d: SendState.LEVELS[d.other_state],
        ),
        Column("pertama", _("Pertama diterima"), lambda d: d.first_received_at, TIME),
        Column("paket", _("Paket"), lambda d: d.packages, INT),
    ]
    return Table("riwayat_kiriman", title, columns, list(days))


def runs_table(activity: Sequence, *, title, run_url: Callable[[Any], str], scope_label) -> Table:
    columns = [
        Column("proses", _("Proses"), lambda a: f"#{a.run.pk}", link=lambda a: run_url(a.run), sortable=False),
        Column("mulai", _("Dibuat"), lambda a: a.run.created_at, DATETIME),
        Column("selesai", _("Selesai"), lambda a: a.run.finished_at, DATETIME),
        Column("pemicu", _("Pemicu"), lambda a: a.run.get_trigger_display()),
        Column(
            "status",
            _("Status"),
            lambda a: a.run.get_state_display(),
            level=lambda a: {"succeeded": "green", "failed": "red"}.get(a.run.state, "grey"),
        ),
        Column("upt", scope_label, lambda a: a.upts, INT),
        Column("baris", _("Baris diterima"), lambda a: a.rows_received, INT),
        Column("lolos", _("Lolos"), lambda a: a.rows_accepted, INT),
        Column(
            "ditolak",
            _("Ditolak"),
            lambda a: a.rows_rejected,
            INT,
            level=lambda a: "red" if a.rows_rejected else "",
        ),
        Column("peringatan", _("Peringatan"), lambda a: a.rows_warned, INT),
        Column("konflik", _("Konflik"), lambda a: a.conflicts, INT),
    ]
    return Table("proses", title, columns, list(activity), empty=_("Tidak ada proses konsolidasi pada rentang ini."))


def run_results_table(results: Sequence, *, title, show_kanwil: bool) -> Table:
    columns = [
        Column("kode", _("Kode"), lambda r: r.upt.code),
        Column("upt", _("UPT"), lambda r: r.upt.name, link=lambda r: upt_report_url(r.upt)),
    ]
    if show_kanwil:
        columns.append(Column("kanwil", _("Kanwil"), lambda r: r.upt.kanwil.name))
    columns += [
        Column("kiriman", _("Kiriman"), lambda r: r.submissions_count, INT),
        Column("baris", _("Baris diterima"), lambda r: r.rows_received, INT),
        Column("lolos", _("Lolos"), lambda r: r.rows_accepted, INT),
        Column(
            "ditolak", _("Ditolak"), lambda r: r.rows_rejected, INT, level=lambda r: "red" if r.rows_rejected else ""
        ),
        Column("peringatan", _("Peringatan"), lambda r: r.rows_warned, INT),
        Column("konflik", _("Konflik"), lambda r: r.conflicts, INT),
    ]
    return Table(
        "hasil_upt", title, columns, list(results), empty=_("Tidak ada UPT dalam cakupan ini pada proses ini.")
    )


def issue_reasons_table(reasons: Sequence, *, title) -> Table:
    columns = [
        Column("upt", _("UPT"), lambda r: r.upt_name),
        Column("aturan", _("Aturan"), lambda r: r.rule_code),
        Column("alasan", _("Alasan"), lambda r: gettext(r.message)),
        Column(
            "tingkat",
            _("Tingkat"),
            lambda r: gettext("Galat") if r.severity == "error" else gettext("Peringatan"),
            level=lambda r: "red" if r.severity == "error" else "yellow",
        ),
        Column("baris", _("Jumlah baris"), lambda r: r.rows, INT),
    ]
    return Table(
        "alasan", title, columns, list(reasons), empty=_("Tidak ada baris yang ditolak atau diberi peringatan.")
    )


def issues_table(issues: Iterable, *, title) -> Table:
    columns = [
        Column("upt", _("UPT"), lambda i: i.submission.upt.name, sortable=False),
        Column("kunci", _("Data"), lambda i: i.record_key, sortable=False),
        Column("jenis_data", _("Jenis data"), lambda i: i.get_record_type_display(), sortable=False),
        Column("aturan", _("Aturan"), lambda i: i.rule_id, sortable=False),
        Column("alasan", _("Alasan"), lambda i: gettext(i.rule.message), sortable=False),
        Column("rincian", _("Rincian"), lambda i: i.detail, sortable=False),
        Column(
            "tingkat",
            _("Tingkat"),
            lambda i: i.get_severity_display(),
            level=lambda i: "red" if i.severity == "error" else "yellow",
            sortable=False,
        ),
    ]
    return Table("baris", title, columns, list(issues), empty=_("Tidak ada baris."))


def upt_results_table(results: Sequence, *, title, upt) -> Table:
    columns = [
        Column(
            "proses",
            _("Proses"),
            lambda r: f"#{r.run_id}",
            link=lambda r: reverse("laporan:upt_run", kwargs={"code": upt.code, "run_id": r.run_id}),
            sortable=False,
        ),
        Column("waktu", _("Waktu"), lambda r: r.run.created_at, DATETIME, sortable=False),
        Column("kiriman", _("Kiriman"), lambda r: r.submissions_count, INT, sortable=False),
        Column("baris", _("Baris diterima"), lambda r: r.rows_received, INT, sortable=False),
        Column("lolos", _("Lolos"), lambda r: r.rows_accepted, INT, sortable=False),
        Column(
            "ditolak",
            _("Ditolak"),
            lambda r: r.rows_rejected,
            INT,
            level=lambda r: "red" if r.rows_rejected else "",
            sortable=False,
        ),
        Column("peringatan", _("Peringatan"), lambda r: r.rows_warned, INT, sortable=False),
        Column("konflik", _("Konflik"), lambda r: r.conflicts, INT, sortable=False),
    ]
    return Table("hasil_konsolidasi", title, columns, list(results), empty=_("Belum ada hasil konsolidasi."))


def breakdown_table(
    key: str, lines: Sequence, *, title, first_label, with_groups: bool, total_line, with_sexes: bool = True
) -> Table:
    columns = [
        Column("kategori", first_label, lambda b: b.label, sortable=False),
    ]
    if with_groups:
        columns += [
            Column("tahanan", _("Tahanan"), lambda b: b.detainees, INT, sortable=False, total=total_line.detainees),
            Column("napi", _("Narapidana"), lambda b: b.sentenced, INT, sortable=False, total=total_line.sentenced),
        ]
    if with_sexes:
        columns += [
            Column("l", _("Laki-laki"), lambda b: b.male, INT, sortable=False, total=total_line.male),
            Column("p", _("Perempuan"), lambda b: b.female, INT, sortable=False, total=total_line.female),
        ]
    columns += [
        Column("jumlah", _("Jumlah"), lambda b: b.total, INT, sortable=False, total=total_line.total),
        Column(
            "persen", _("Persentase"), lambda b: b.share, PCT, sortable=False, total=100.0 if total_line.total else None
        ),
    ]
    return Table(key, title, columns, list(lines), totals_label=_("Jumlah"))


def trend_table(points: Sequence, *, title) -> Table:
    columns = [
        Column("tanggal", _("Tanggal"), lambda p: p.day, DATE, sortable=False),
        Column("upt", _("UPT berdata"), lambda p: p.upts, INT, sortable=False),
        Column("tahanan", _("Tahanan"), lambda p: p.detainees, INT, sortable=False),
        Column("napi", _("Narapidana"), lambda p: p.sentenced, INT, sortable=False),
        Column("penghuni", _("Jumlah penghuni"), lambda p: p.occupancy.total, INT, sortable=False),
        Column("kapasitas", _("Kapasitas"), lambda p: p.capacity, INT, sortable=False),
        *rate_columns(lambda p: p.occupancy, sortable=False),
    ]
    return Table("tren", title, columns, list(reversed(points)), empty=_("Belum ada snapshot hunian."))


def overstay_trend_table(points: Sequence, *, title) -> Table:
    """The overstay sentinel per day: held past the detention's legal limit, and past the expiry date."""
    columns = [
        Column("tanggal", _("Tanggal"), lambda p: p.day, DATE, sortable=False),
        Column("tahanan_lewat_batas", _("Tahanan melewati batas penahanan"), lambda p: p.overstay_detainees, INT,
               sortable=False),
        Column("napi_lewat_ekspirasi", _("Narapidana melewati tanggal ekspirasi"), lambda p: p.overstay_sentenced,
               INT, sortable=False),
        Column("upt", _("UPT berdata"), lambda p: p.upts, INT, sortable=False),
    ]  # fmt: skip
    return Table("lewat_batas", title, columns, list(reversed(points)), empty=_("Belum ada snapshot hunian."))
