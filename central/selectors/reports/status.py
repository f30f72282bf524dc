"""Each UPT on one report day — packages against both deadlines, missed-day streak, last consolidation
result, open conflicts, occupancy — and their sums per region and nation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from central.models import Conflict, ConflictState, Kanwil, OccupancySnapshot, RunUptResult, Submission, Upt
from central.reference import occupancy_level, occupancy_rate_percent, overcrowding_percent
from central.scoping import Action
from central.selectors.reports.common import (
    NO_FILTER,
    ReportFilter,
    SendState,
    day_end,
    deadline_at,
    last_closed_day,
    scoped_upts,
)
from central.typing import AnyUser

# --- Occupancy figures ---------------------------------------------------------------------------------


@dataclass
class Occupancy:
    """Occupants against capacity, with DESIGN §1's overcrowding and colour."""

    capacity: int = 0
    detainees: int | None = None
    sentenced: int | None = None
    # The overstay sentinel (docs/REPORTS.md): held past the detention's legal limit / past the expiry date.
    overstay_detainees: int | None = None
    overstay_sentenced: int | None = None

    @property
    def overstay(self) -> int | None:
        if self.overstay_detainees is None or self.overstay_sentenced is None:
            return None
        return self.overstay_detainees + self.overstay_sentenced

    @property
    def has_data(self) -> bool:
        return self.detainees is not None

    @property
    def total(self) -> int | None:
        if self.detainees is None or self.sentenced is None:
            return None
        return self.detainees + self.sentenced

    @property
    def occupancy_rate(self) -> float | None:
        """Occupants as a percentage of capacity (100 % = full)."""
        return None if self.total is None else occupancy_rate_percent(self.total, self.capacity)

    @property
    def overcrowding(self) -> float | None:
        """Percent over capacity; None unless over capacity (never negative)."""
        return None if self.total is None else overcrowding_percent(self.total, self.capacity)

    @property
    def overcrowding_shown(self) -> float | str | None:
        """What a page or export shows for overcrowding: the percent when over capacity, the words
        "tidak melebihi" when the unit has room or is exactly full, None when there is no figure."""
        if self.overcrowding is not None:
            return self.overcrowding
        if self.occupancy_rate is not None:
            return gettext("tidak melebihi")
        return None

    @property
    def level(self) -> str:
        """Colour of the occupancy rate: red over capacity, yellow at capacity, green with room."""
        return "" if self.total is None else occupancy_level(self.total, self.capacity)


@dataclass
class LastResult:
    """A UPT's result in the last consolidation run that took its packages."""

    upt_id: int
    run_id: int
    run_at: dt.datetime
    run_state: str
    rows_received: int
    rows_accepted: int
    rows_rejected: int
    rows_warned: int
    conflicts: int


@dataclass
class UptStatus:
    """One UPT on one day: its packages, its last consolidation result and its occupancy."""

    upt: Upt
    day: dt.date
    packages: int = 0
    first_received_at: dt.datetime | None = None
    last_received_at: dt.datetime | None = None
    occupancy_state: str = SendState.MISSED
    other_state: str = SendState.MISSED
    last_sent_date: dt.date | None = None
    missed_streak: int | None = None  # consecutive closed days without a package; None: never sent
    result: LastResult | None = None
    open_conflicts: int = 0
    snapshot_date: dt.date | None = None
    occupancy: Occupancy = field(default_factory=Occupancy)

    @property
    def sent(self) -> bool:
        return self.packages > 0

    @property
    def stale(self) -> bool:
        """The occupancy shown is older than the report day (the UPT's last known figures)."""
        return self.snapshot_date is not None and self.snapshot_date < self.day


def upt_statuses(
    *, user: AnyUser, day: dt.date, now: dt.datetime | None = None, report_filter: ReportFilter = NO_FILTER
) -> list[UptStatus]:
    """Every UPT in the report's scope on ``day``: packages against both deadlines, missed-day streak,
    last consolidation result (as of the end of that day), open conflicts and the latest occupancy on or
    before that day. Five queries."""
    now = now or timezone.now()
    closed_end = min(day, last_closed_day(now))
    upts = list(
        scoped_upts(user=user, report_filter=report_filter)
        .select_related("kanwil")
        .annotate(
            # Correlated lookups keyed by the (restricted) outer UPT: one index probe per UPT.
            last_sent=Subquery(
                Submission.objects.filter(upt=OuterRef("pk"), report_date__lte=closed_end)
                .order_by("-report_date")
                .values("report_date")[:1]
            ),
            last_result_id=Subquery(
                RunUptResult.objects.filter(
                    upt=OuterRef("pk"), run__created_at__lt=day_end(day), submissions_count__gt=0
                )
                .order_by("-run_id")
                .values("pk")[:1]
            ),
            snapshot_id=Subquery(
                OccupancySnapshot.objects.filter(upt=OuterRef("pk"), date__lte=day).order_by("-date").values("pk")[:1]
            ),
        )
        .order_by("kanwil__name", "name")
    )
    upt_ids = [u.pk for u in upts]
    packages = {
        row["upt_id"]: row
        for row in Submission.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=upt_ids, report_date=day)
        .values("upt_id")
        .annotate(
            n=Count("id"),
            first=Min("received_at"),
            last=Max("received_at"),
            occ=Count("id", filter=Q(on_time_occupancy=True)),
            other=Count("id", filter=Q(on_time_other=True)),
        )
        .order_by()
    }
    results = {
        row["upt_id"]: LastResult(**row)
        for row in RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(pk__in=[u.last_result_id for u in upts if u.last_result_id])
        .values(
            "upt_id",
            "run_id",
            "rows_received",
            "rows_accepted",
            "rows_rejected",
            "rows_warned",
            "conflicts",
            run_at=F("run__created_at"),
            run_state=F("run__state"),
        )
    }
    snapshots = {
        row["upt_id"]: row
        for row in OccupancySnapshot.objects.restrict(user, Action.VIEW)
        .filter(pk__in=[u.snapshot_id for u in upts if u.snapshot_id])
        .values("upt_id", "date", "capacity", "detainees", "sentenced", "overstay_detainees", "overstay_sentenced")
    }
    conflicts = dict(
        Conflict.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=upt_ids, state=ConflictState.OPEN)
        .values("upt_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("upt_id", "n")
    )
    occ_deadline = deadline_at(day, settings.SUBMISSION_DEADLINE_OCCUPANCY)
    other_deadline = deadline_at(day, settings.SUBMISSION_DEADLINE_OTHER)
    statuses = []
    for upt in upts:
        sent = packages.get(upt.pk)
        snapshot = snapshots.get(upt.pk)
        last_sent = upt.last_sent
        status = UptStatus(
            upt=upt,
            day=day,
            packages=sent["n"] if sent else 0,
            first_received_at=sent["first"] if sent else None,
            last_received_at=sent["last"] if sent else None,
            occupancy_state=SendState.of(
                sent=bool(sent), on_time=bool(sent and sent["occ"]), deadline=occ_deadline, now=now
            ),
            other_state=SendState.of(
                sent=bool(sent), on_time=bool(sent and sent["other"]), deadline=other_deadline, now=now
            ),
            last_sent_date=last_sent,
            missed_streak=None if last_sent is None else max(0, (closed_end - last_sent).days),
            result=results.get(upt.pk),
            open_conflicts=conflicts.get(upt.pk, 0),
        )
        if snapshot is not None:
            status.snapshot_date = snapshot["date"]
            status.occupancy = Occupancy(
                capacity=snapshot["capacity"],
                detainees=snapshot["detainees"],
                sentenced=snapshot["sentenced"],
                overstay_detainees=snapshot["overstay_detainees"],
                overstay_sentenced=snapshot["overstay_sentenced"],
            )
        else:
            status.occupancy = Occupancy(capacity=upt.capacity)
        statuses.append(status)
    return statuses


@dataclass
class StatusTotals:
    """Sums over a set of UPT statuses: a region's or the nation's line."""

    upts: int = 0
    with_data: int = 0
    capacity: int = 0
    capacity_with_data: int = 0
    detainees: int = 0
    sentenced: int = 0
    on_time: int = 0
    late: int = 0
    waiting: int = 0
    missed: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    open_conflicts: int = 0
    over_capacity: int = 0
    overstay_detainees: int = 0
    overstay_sentenced: int = 0

    @property
    def total(self) -> int:
        return self.detainees + self.sentenced

    @property
    def not_sent(self) -> int:
        return self.waiting + self.missed

    @property
    def without_data(self) -> int:
        return self.upts - self.with_data

    @property
    def sent(self) -> int:
        return self.on_time + self.late

    @property
    def occupancy(self) -> Occupancy:
        if not self.with_data:
            return Occupancy(capacity=self.capacity)
        return Occupancy(
            capacity=self.capacity_with_data,
            detainees=self.detainees,
            sentenced=self.sentenced,
            overstay_detainees=self.overstay_detainees,
            overstay_sentenced=self.overstay_sentenced,
        )

    def add(self, status: UptStatus) -> None:
        self.upts += 1
        self.capacity += status.occupancy.capacity
        if status.occupancy.has_data:
            self.with_data += 1
            self.capacity_with_data += status.occupancy.capacity
            self.detainees += status.occupancy.detainees or 0
            self.sentenced += status.occupancy.sentenced or 0
            self.overstay_detainees += status.occupancy.overstay_detainees or 0
            self.overstay_sentenced += status.occupancy.overstay_sentenced or 0
            if status.occupancy.level == "red":
                self.over_capacity += 1
        state = status.occupancy_state
        if state == SendState.ON_TIME:
            self.on_time += 1
        elif state == SendState.LATE:
            self.late += 1
        elif state == SendState.WAITING:
            self.waiting += 1
        else:
            self.missed += 1
        if status.result is not None:
            self.rows_accepted += status.result.rows_accepted
            self.rows_rejected += status.result.rows_rejected
            self.rows_warned += status.result.rows_warned
        self.open_conflicts += status.open_conflicts


def status_totals(statuses: Iterable[UptStatus]) -> StatusTotals:
    totals = StatusTotals()
    for status in statuses:
        totals.add(status)
    return totals


@dataclass
class KanwilStatus:
    kanwil: Kanwil
    totals: StatusTotals


def kanwil_statuses(kanwils: Iterable[Kanwil], statuses: Iterable[UptStatus]) -> list[KanwilStatus]:
    """Per-region sums of UPT statuses, one line per region given (regions without UPTs included)."""
    by_region: dict[int, StatusTotals] = defaultdict(StatusTotals)
    for status in statuses:
        by_region[status.upt.kanwil_id].add(status)
    return [KanwilStatus(kanwil=k, totals=by_region.get(k.pk, StatusTotals())) for k in kanwils]


def most_overcrowded(statuses: Iterable[UptStatus], limit: int = 10) -> list[UptStatus]:
    crowded = [s for s in statuses if s.occupancy.overcrowding is not None and s.occupancy.overcrowding > 0]
    crowded.sort(key=lambda s: (-(s.occupancy.overcrowding or 0), s.upt.name))
    return crowded[:limit]


def not_sent(statuses: Iterable[UptStatus]) -> list[UptStatus]:
    """UPTs with no package for the day, longest silence first."""
    missing = [s for s in statuses if not s.sent]
    missing.sort(key=lambda s: (s.missed_streak is not None, -(s.missed_streak or 0), s.upt.kanwil.name, s.upt.name))
    return missing
