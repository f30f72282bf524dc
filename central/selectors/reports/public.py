"""SDP Publik: the figures anyone may see without signing in — the nation, a Kanwil, a UPT.

Everything comes from the latest national daily snapshot (``OccupancySnapshot``/``OccupancyBreakdown`` of
the last consolidated day), never from a register, so no person's data can reach the page. These selectors
take no ``user``: the public scope is the same for everyone, signed in or not (DESIGN §4 names no role for
it; the permission matrix lists it as open to the anonymous visitor).

Small cells (docs/REPORTS.md, "SDP Publik"): a count of people from 1 to ``SMALL_CELL_LIMIT`` − 1 is shown
as "<5" (*primary* suppression; 0 is shown, it says nothing about anyone). Where shown parts add up to a
shown total, a lone hidden part could be worked out by subtraction, so the smallest other non-zero part of
that group is hidden too (*complementary* suppression), repeated until no group has a lone hidden part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from central.models import Kanwil, OccupancyBreakdown, OccupancySnapshot, Upt
from central.reference import CrimeCategory, occupancy_level, occupancy_rate_percent, overcrowding_percent

# Counts of people below this (and above 0) are never published as such.
SMALL_CELL_LIMIT = 5

SHOWN, SMALL, COMPLEMENT = "", "small", "complement"


@dataclass
class Cell:
    """A count of people and whether the public page may show it."""

    value: int
    hidden: str = SHOWN

    def __post_init__(self) -> None:
        if 0 < self.value < SMALL_CELL_LIMIT:
            self.hidden = SMALL

    @property
    def shown(self) -> bool:
        return self.hidden == SHOWN


def _protect(groups: Iterable[tuple[Cell, list[Cell]]]) -> None:
    """Complementary suppression: in every group whose total is shown, a lone hidden part takes the smallest
    other non-zero part with it, so that neither can be recovered as total minus the rest."""
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if not total.shown or sum(1 for p in parts if not p.shown) != 1:
                continue
            others = [p for p in parts if p.shown and p.value > 0]
            if others:
                min(others, key=lambda p: p.value).hidden = COMPLEMENT
                changed = True


@dataclass
class PublicRow:
    """One Kanwil of the nation, or one UPT of a Kanwil."""

    code: str
    name: str
    capacity: int = 0
    detainees: Cell = field(default_factory=lambda: Cell(0))
    sentenced: Cell = field(default_factory=lambda: Cell(0))
    occupants: Cell = field(default_factory=lambda: Cell(0))
    upt_type: str = ""

    @property
    def occupancy_rate(self) -> float | None:
        """Only with the occupants shown: rate × capacity would give a hidden count back."""
        return occupancy_rate_percent(self.occupants.value, self.capacity) if self.occupants.shown else None

    @property
    def overcrowding(self) -> float | None:
        return overcrowding_percent(self.occupants.value, self.capacity) if self.occupants.shown else None

    @property
    def level(self) -> str:
        return occupancy_level(self.occupants.value, self.capacity) if self.occupants.shown else ""


@dataclass
class PublicFigures:
    """What the public page of one area shows, as of the snapshot of ``day`` written at ``as_of``."""

    area: PublicRow
    day: dt.date | None
    as_of: dt.datetime | None
    male: Cell
    female: Cell
    children: Cell
    foreign: Cell
    by_crime: list[tuple[str, Cell]]
    rows: list[PublicRow]

    @property
    def has_data(self) -> bool:
        return self.day is not None


def public_version() -> str:
    """Changes whenever a consolidation writes a snapshot (a rerun of a day replaces its rows with new ids):
    the public pages' cache key, so a new snapshot is shown at once. One query on two indexes."""
    latest = OccupancySnapshot.objects.aggregate(day=Max("date"), last=Max("id"))
    return f"{latest['day']}.{latest['last']}"


def public_kanwil_get(*, code: str) -> Kanwil:
    kanwil = Kanwil.objects.filter(code=code).first()
    if kanwil is None:
        raise Http404
    return kanwil


def public_upt_get(*, kanwil: Kanwil, code: str) -> Upt:
    """An active UPT of the Kanwil (an inactive one is not in the public figures: 404, as an unknown one)."""
    upt = Upt.objects.filter(kanwil=kanwil, code=code, is_active=True).first()
    if upt is None:
        raise Http404
    return upt


def public_figures(*, kanwil: Kanwil | None = None, upt: Upt | None = None) -> PublicFigures:
    """The nation (rows per Kanwil), a Kanwil (rows per UPT) or one UPT, from the latest snapshot day; active
    UPTs only. Four queries whatever the size of the country."""
    day = OccupancySnapshot.objects.aggregate(day=Max("date"))["day"]
    snapshots = OccupancySnapshot.objects.filter(date=day, upt__is_active=True)
    if upt is not None:
        snapshots = snapshots.filter(upt=upt)
        area = PublicRow(code=upt.code, name=upt.name)
    elif kanwil is not None:
        snapshots = snapshots.filter(upt__kanwil=kanwil)
        area = PublicRow(code=kanwil.code, name=kanwil.name)
    else:
        area = PublicRow(code="", name=str(_("Nasional")))
    values = list(
        snapshots.values_list(
            "upt_id",
            "upt__code",
            "upt__name",
            "upt__upt_type",
            "upt__kanwil__code",
            "upt__kanwil__name",
            "capacity",
            "detainees",
            "sentenced",
            "male",
            "female",
            "children",
            "foreign_nationals",
        ).order_by("upt__kanwil__name", "upt__name")
    )
    rows: dict[str, PublicRow] = {}
    totals = dict.fromkeys(("detainees", "sentenced", "male", "female", "children", "foreign"), 0)
    for _id, code, name, upt_type, k_code, k_name, capacity, det, sen, male, female, children, foreign in values:
        key, label = (code, name) if kanwil is not None else (k_code, k_name)
        row = rows.setdefault(key, PublicRow(code=key, name=label, upt_type=upt_type if kanwil is not None else ""))
        row.capacity += capacity
        row.detainees.value += det
        row.sentenced.value += sen
        area.capacity += capacity
        for name_, n in (
            ("detainees", det),
            ("sentenced", sen),
            ("male", male),
            ("female", female),
            ("children", children),
            ("foreign", foreign),
        ):
            totals[name_] += n
    crimes: dict[str, int] = {}
    if values:
        crimes = dict(
            OccupancyBreakdown.objects.filter(date=day, upt_id__in=[v[0] for v in values])
            .values_list("crime_category")
            .annotate(n=Sum("count"))
            .order_by()
        )
    as_of = OccupancySnapshot.objects.filter(date=day).aggregate(at=Max("run__finished_at"))["at"] if values else None

    # Cells are built from the finished sums, so that each is suppressed on its published value.
    area.detainees, area.sentenced = Cell(totals["detainees"]), Cell(totals["sentenced"])
    area.occupants = Cell(totals["detainees"] + totals["sentenced"])
    public_rows = [] if upt is not None else list(rows.values())
    for row in public_rows:
        row.detainees, row.sentenced = Cell(row.detainees.value), Cell(row.sentenced.value)
        row.occupants = Cell(row.detainees.value + row.sentenced.value)
    figures = PublicFigures(
        area=area,
        day=day if values else None,
        as_of=as_of,
        male=Cell(totals["male"]),
        female=Cell(totals["female"]),
        children=Cell(totals["children"]),
        foreign=Cell(totals["foreign"]),
        by_crime=[(str(c.label), Cell(int(crimes.get(c.value) or 0))) for c in CrimeCategory],
        rows=public_rows,
    )
    _protect(_groups(figures))
    return figures


def _groups(figures: PublicFigures) -> list[tuple[Cell, list[Cell]]]:
    """Every set of shown parts that adds up to a shown total on the page."""
    area, rows = figures.area, figures.rows
    groups = [
        (area.occupants, [area.detainees, area.sentenced]),
        (area.occupants, [figures.male, figures.female]),
        (area.occupants, [cell for _label, cell in figures.by_crime]),
    ]
    groups += [(row.occupants, [row.detainees, row.sentenced]) for row in rows]
    if rows:
        groups += [
            (area.occupants, [row.occupants for row in rows]),
            (area.detainees, [row.detainees for row in rows]),
            (area.sentenced, [row.sentenced for row in rows]),
        ]
    return groups
