"""The data-quality scorecard's table (``central.selectors.reports.scorecard``): rank, UPT, score, and each part
with the counts behind it in the cell's tooltip and in the exports' own columns."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from central.selectors.reports.scorecard import PARTS, Scorecard
from kanwil.report_tables import _kanwil_name_column, _upt_name_column
from kanwil.table_framework import INT, PCT, Column, Table

# Parts on the page from the start; the others behind "kolom lain" (every part is always exported).
_MAIN_PARTS = ("timeliness", "accepted", "nik")


def _part_columns(key: str) -> list[Column]:
    label, weight = PARTS[key]
    of = gettext("%(good)s dari %(total)s")
    if key == "conflicts":
        return [
            Column(
                "konflik_terbuka",
                label,
                lambda c: c.part(key).numerator if c.part(key).score is not None else None,
                INT,
                level=lambda c: "red" if c.part(key).numerator else "",
                title=lambda c: (
                    gettext("bobot %(weight)s; skor %(score)s")
                    % {"weight": weight, "score": _score_text(c.part(key).score)}
                ),
                extra=True,
            )
        ]
    return [
        Column(
            f"bagian_{key}",
            label,
            lambda c: c.part(key).score,
            PCT,
            title=lambda c: (
                (of % {"good": c.part(key).numerator, "total": c.part(key).denominator})
                + gettext("; bobot %(weight)s") % {"weight": weight}
            ),
            extra=key not in _MAIN_PARTS,
        )
    ]


def _score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}"


def scorecard_table(cards: Sequence[Scorecard], *, title, national: bool) -> Table:
    rank = (lambda c: c.rank_national) if national else (lambda c: c.rank_kanwil)
    columns = [
        Column("peringkat", _("Peringkat"), rank, INT),
        _upt_name_column(lambda c: c.upt),
    ]
    if national:
        columns.append(_kanwil_name_column(lambda c: c.upt.kanwil))
    columns.append(Column("skor", _("Skor"), lambda c: c.score, PCT, level=lambda c: c.level))
    for key in PARTS:
        columns += _part_columns(key)
    return Table(
        "rapor",
        title,
        columns,
        list(cards),
        empty=_("Belum ada data bulan ini: rapor terisi setelah kiriman dan konsolidasi pertama bulan ini."),
        sticky=True,
    )


def scorecard_trend_table(cards: Sequence[Scorecard], *, title) -> Table:
    columns = [
        # A non-breaking hyphen on the page (a narrow column wrapped "12-" above "2026"); exports keep "-".
        Column("bulan", _("Bulan"), lambda c: c.month.strftime("%m\u2011%Y"), full=lambda c: c.month.strftime("%m-%Y")),
        Column("skor", _("Skor"), lambda c: c.score, PCT, level=lambda c: c.level),
    ]
    for key in PARTS:
        columns += [_part_columns(key)[0]]
    for column in columns:
        column.extra = False
        column.sortable = False
    return Table("rapor_bulanan", title, columns, list(cards), empty=_("Belum ada rapor."))
