"""Occupants by register, sex and crime category on a day, and the daily occupancy trend over a range."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from central.models import OccupancyBreakdown, OccupancySnapshot
from central.reference import DETAINEE_REGISTERS, CrimeCategory, Register, Sex
from central.scoping import Action
from central.selectors.reports.common import NO_FILTER, ReportFilter, scoped_upt_ids, scoped_upts
from central.selectors.reports.status import Occupancy
from central.typing import AnyUser

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class BreakdownLine:
    code: str
    label: str
    male: int = 0
    female: int = 0
    detainees: int = 0
    sentenced: int = 0
    share: float | None = None

    @property
    def total(self) -> int:
        return self.male + self.female


@dataclass
class Breakdown:
    """Occupants by register, by sex and by crime category on the latest day each UPT has data for."""

    day: dt.date
    first_date: dt.date | None
    last_date: dt.date | None
    by_register: list[BreakdownLine]
    by_sex: list[BreakdownLine]
    by_crime: list[BreakdownLine]
    detainees: BreakdownLine
    sentenced: BreakdownLine
    total: BreakdownLine
    upts_with_data: int


def occupancy_breakdown(*, user: AnyUser, day: dt.date, report_filter: ReportFilter = NO_FILTER) -> Breakdown:
    """Sums of ``OccupancyBreakdown`` over the scope, each UPT at its latest snapshot on or before ``day``
    (the consolidation writes a UPT's snapshot and breakdown together). Two queries."""
    latest = scoped_upts(user=user, report_filter=report_filter).annotate(
        last=Subquery(
            OccupancySnapshot.objects.filter(upt=OuterRef("pk"), date__lte=day).order_by("-date").values("date")[:1]
        )
    )
    by_date: dict[dt.date, list[int]] = defaultdict(list)
    for upt_id, last in latest.values_list("pk", "last"):
        if last is not None:
            by_date[last].append(upt_id)
    cells: dict[tuple[str, str, str], int] = {}
    if by_date:
        match = Q()
        for date, upt_ids in by_date.items():
            match |= Q(date=date, upt_id__in=upt_ids)
        for row in (
            OccupancyBreakdown.objects.restrict(user, Action.VIEW)
            .filter(match)
            .values("register", "sex", "crime_category")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            cells[(row["register"], row["sex"], row["crime_category"])] = int(row["n"] or 0)

    def line(code: str, label: StrOrPromise, keep: Callable[[str, str, str], bool]) -> BreakdownLine:
        result = BreakdownLine(code=code, label=str(label))
        for (register, sex, crime), n in cells.items():
            if not keep(register, sex, crime):
                continue
            if sex == Sex.FEMALE:
                result.female += n
            else:
                result.male += n
            if register in DETAINEE_REGISTERS:
                result.detainees += n
            else:
                result.sentenced += n
        return result

    total = line("", _("Jumlah"), lambda r, s, c: True)

    def with_share(lines: list[BreakdownLine]) -> list[BreakdownLine]:
        for item in lines:
            item.share = item.total * 100.0 / total.total if total.total else None
        return lines

    by_register = with_share([line(r.value, r.label, _cells_where(0, r.value)) for r in Register])
    by_sex = with_share([line(s.value, s.label, _cells_where(1, s.value)) for s in Sex])
    by_crime = with_share([line(c.value, c.label, _cells_where(2, c.value)) for c in CrimeCategory])
    detainees = line("A", _("Tahanan"), lambda r, s, c: r in DETAINEE_REGISTERS)
    sentenced = line("B", _("Narapidana"), lambda r, s, c: r not in DETAINEE_REGISTERS)
    with_share([detainees, sentenced])
    dates = list(by_date)
    return Breakdown(
        day=day,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        by_register=by_register,
        by_sex=by_sex,
        by_crime=by_crime,
        detainees=detainees,
        sentenced=sentenced,
        total=total,
        upts_with_data=sum(len(v) for v in by_date.values()),
    )


def _cells_where(dimension: int, value: str) -> Callable[[str, str, str], bool]:
    """A filter on the (register, sex, crime category) cells keeping one value of one dimension."""

    def keep(register: str, sex: str, crime: str) -> bool:
        return (register, sex, crime)[dimension] == value

    return keep


@dataclass
class TrendPoint:
    day: dt.date
    upts: int
    capacity: int
    detainees: int
    sentenced: int
    overstay_detainees: int = 0
    overstay_sentenced: int = 0

    @property
    def occupancy(self) -> Occupancy:
        return Occupancy(
            capacity=self.capacity,
            detainees=self.detainees,
            sentenced=self.sentenced,
            overstay_detainees=self.overstay_detainees,
            overstay_sentenced=self.overstay_sentenced,
        )


def occupancy_trend(
    *, user: AnyUser, start: dt.date, end: dt.date, report_filter: ReportFilter = NO_FILTER
) -> list[TrendPoint]:
    """Daily sums of the snapshots in the scope (oldest first). One query."""
    rows = (
        OccupancySnapshot.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=scoped_upt_ids(user=user, report_filter=report_filter), date__gte=start, date__lte=end)
        .values("date")
        .annotate(
            upts=Count("id"),
            cap=Sum("capacity"),
            det=Sum("detainees"),
            sen=Sum("sentenced"),
            over_det=Sum("overstay_detainees"),
            over_sen=Sum("overstay_sentenced"),
        )
        .order_by("date")
    )
    return [
        TrendPoint(
            day=r["date"],
            upts=r["upts"],
            capacity=int(r["cap"] or 0),
            detainees=int(r["det"] or 0),
            sentenced=int(r["sen"] or 0),
            overstay_detainees=int(r["over_det"] or 0),
            overstay_sentenced=int(r["over_sen"] or 0),
        )
        for r in rows
    ]
