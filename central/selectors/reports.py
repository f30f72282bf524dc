"""Reads behind the monitoring reports: timeliness, consolidation results, occupancy, breakdowns, trends.

Every figure starts from the UPTs the user may see (``Upt.objects.restrict(user, Action.VIEW)``), narrowed
by the report's filters (region, one UPT, UPT type). Child rows (submissions, results, snapshots…) are read
through their own ``restrict`` or through a subquery keyed by that restricted UPT set, so a Kanwil user's
figures can only ever contain their region. Each function runs a fixed number of queries whatever the
number of UPTs or days; per-UPT work over a few hundred rows is done in Python.

Timeliness (DESIGN §1): a UPT's day is *on time* against a deadline when any package for that WIB report
day arrived before it, *late* when packages arrived but none before it, *waiting* when nothing arrived
and the deadline has not passed yet, and *missed* when nothing arrived and it has. A day counts as missed
in the compliance report once its last deadline (``SUBMISSION_DEADLINE_OTHER``) has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from central.models import (
    Conflict,
    ConflictState,
    ConsolidationRun,
    Kanwil,
    OccupancyBreakdown,
    OccupancySnapshot,
    RowIssue,
    RunUptResult,
    Severity,
    Submission,
    Upt,
    UptType,
)
from central.reference import (
    DETAINEE_REGISTERS,
    CrimeCategory,
    Register,
    Sex,
    occupancy_level,
    overcrowding_percent,
)
from central.scoping import Action, get_scoped_or_404, has_central_permission

WIB = ZoneInfo("Asia/Jakarta")
UPT_TYPE_CHOICES = UptType.choices
# The longest range a compliance or trend report covers: a little over a year keeps every report
# inside the measured budget (DESIGN §5) while still allowing year-on-year views.
MAX_RANGE_DAYS = 400
# The earliest day a report may ask for: no data predates the system, and a year-1 date would make the
# period arithmetic (a range's start, a trend's first day) overflow. Every report filter refuses earlier days.
EARLIEST_REPORT_DATE = dt.date(2000, 1, 1)


# --- Scope -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    """What a report covers inside the user's scope: a region, one UPT, and/or one UPT type."""

    kanwil: Kanwil | None = None
    upt: Upt | None = None
    upt_type: str = ""

    def describe(self) -> list[tuple[str, str]]:
        """Label/value pairs of the filters in force, for exports' header lines."""
        parts: list[tuple[str, str]] = []
        if self.kanwil is not None:
            parts.append((str(_("Kanwil")), self.kanwil.name))
        if self.upt is not None:
            parts.append((str(_("UPT")), f"{self.upt.code} — {self.upt.name}"))
        if self.upt_type:
            parts.append((str(_("Jenis UPT")), str(UptType(self.upt_type).label)))
        return parts


def report_kanwil_get(user, *, code: str) -> Kanwil:
    """A region the user may monitor.

    Another region answers 404 (its existence is not revealed); the region of an operator's own UPT is
    known to them but its pages are not theirs (DESIGN §4: an operator's reports are their UPT's): 403.
    """
    try:
        return get_scoped_or_404(Kanwil.objects.all(), user, Action.VIEW, code=code)
    except Http404:
        if Upt.objects.restrict(user, Action.VIEW).filter(kanwil__code=code).exists():
            raise PermissionDenied from None
        raise


def report_upt_get(user, *, code: str) -> Upt:
    """A UPT whose figures the user may see: operators their own, Kanwil their region's, central all."""
    return get_scoped_or_404(Upt.objects.select_related("kanwil"), user, Action.VIEW, code=code)


def report_kanwils(user) -> QuerySet[Kanwil]:
    """The regions whose reports the user may open."""
    return Kanwil.objects.restrict(user, Action.VIEW).order_by("name")


def report_upts(user) -> QuerySet[Upt]:
    """The UPTs whose report pages the user may open (an operator: their own)."""
    return Upt.objects.restrict(user, Action.VIEW).select_related("kanwil").order_by("kanwil__name", "name")


def may_see_national(user) -> bool:
    return has_central_permission(user, Action.VIEW)


def has_report_scope(user) -> bool:
    """Whether the user may see any report at all (someone with no role or unit may not)."""
    return may_see_national(user) or Upt.objects.restrict(user, Action.VIEW).exists()


def scoped_upts(user, report_filter: ReportFilter) -> QuerySet[Upt]:
    """The UPTs a report covers: inside the user's view scope, narrowed by the filter.

    Inactive UPTs are left out of region and national figures; a report on one UPT shows it regardless.
    """
    upts = Upt.objects.restrict(user, Action.VIEW)
    upts = upts.filter(pk=report_filter.upt.pk) if report_filter.upt is not None else upts.filter(is_active=True)
    if report_filter.kanwil is not None:
        upts = upts.filter(kanwil=report_filter.kanwil)
    if report_filter.upt_type:
        upts = upts.filter(upt_type=report_filter.upt_type)
    return upts


def scoped_upt_ids(user, report_filter: ReportFilter) -> list[int]:
    """The covered UPTs' ids. Child queries filter on this literal list rather than on the scope's
    subquery: the planner then knows how few UPTs a region has and reads them through their indexes."""
    return list(scoped_upts(user, report_filter).values_list("pk", flat=True))


# --- Time ------------------------------------------------------------------------------------------


def report_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), WIB).date()


def deadline_at(day: dt.date, deadline: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, deadline, tzinfo=WIB)


def day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=WIB)


def last_closed_day(now: dt.datetime) -> dt.date:
    """The latest WIB day whose last deadline has passed: a day with no package counts as missed from then."""
    local = timezone.localtime(now, WIB)
    if local.time() >= settings.SUBMISSION_DEADLINE_OTHER:
        return local.date()
    return local.date() - dt.timedelta(days=1)


# --- Timeliness states -------------------------------------------------------------------------------


class SendState:
    ON_TIME = "on_time"
    LATE = "late"
    WAITING = "waiting"
    MISSED = "missed"

    LABELS = {
        ON_TIME: _("Tepat waktu"),
        LATE: _("Terlambat"),
        WAITING: _("Belum kirim"),
        MISSED: _("Tidak kirim"),
    }
    LEVELS = {ON_TIME: "green", LATE: "yellow", WAITING: "grey", MISSED: "red"}
    ORDER = {MISSED: 0, LATE: 1, WAITING: 2, ON_TIME: 3}

    @classmethod
    def of(cls, *, sent: bool, on_time: bool, deadline: dt.datetime, now: dt.datetime) -> str:
        if sent:
            return cls.ON_TIME if on_time else cls.LATE
        return cls.MISSED if now >= deadline else cls.WAITING


# --- Occupancy figures ---------------------------------------------------------------------------------


@dataclass
class Occupancy:
    """Occupants against capacity, with DESIGN §1's overcrowding and colour."""

    capacity: int = 0
    detainees: int | None = None
    sentenced: int | None = None

    @property
    def has_data(self) -> bool:
        return self.detainees is not None

    @property
    def total(self) -> int | None:
        if self.detainees is None or self.sentenced is None:
            return None
        return self.detainees + self.sentenced

    @property
    def overcrowding(self) -> float | None:
        return None if self.total is None else overcrowding_percent(self.total, self.capacity)

    @property
    def level(self) -> str:
        return "" if self.total is None else occupancy_level(self.total, self.capacity)

    @property
    def occupancy_rate(self) -> float | None:
        """Occupants as a percentage of capacity (100 % = full)."""
        if self.total is None or self.capacity <= 0:
            return None
        return self.total * 100.0 / self.capacity


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
    user, *, day: dt.date, now: dt.datetime | None = None, report_filter: ReportFilter = ReportFilter()
) -> list[UptStatus]:
    """Every UPT in the report's scope on ``day``: packages against both deadlines, missed-day streak,
    last consolidation result (as of the end of that day), open conflicts and the latest occupancy on or
    before that day. Five queries."""
    now = now or timezone.now()
    closed_end = min(day, last_closed_day(now))
    upts = list(
        scoped_upts(user, report_filter)
        .select_related("kanwil")
        .annotate(
            # Correlated lookups keyed by the (restricted) outer UPT: one index probe per UPT.
            last_sent=Subquery(
                Submission.objects.filter(upt=OuterRef("pk"), report_date__lte=closed_end)
                .order_by("-report_date")
                .values("report_date")[:1]
            ),
            last_result_id=Subquery(
                RunUptResult.objects.filter(upt=OuterRef("pk"), run__created_at__lt=day_end(day))
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
        .values("upt_id", "date", "capacity", "detainees", "sentenced")
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
                capacity=snapshot["capacity"], detainees=snapshot["detainees"], sentenced=snapshot["sentenced"]
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
        return Occupancy(capacity=self.capacity_with_data, detainees=self.detainees, sentenced=self.sentenced)

    def add(self, status: UptStatus) -> None:
        self.upts += 1
        self.capacity += status.occupancy.capacity
        if status.occupancy.has_data:
            self.with_data += 1
            self.capacity_with_data += status.occupancy.capacity
            self.detainees += status.occupancy.detainees or 0
            self.sentenced += status.occupancy.sentenced or 0
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


# --- Compliance over a range -------------------------------------------------------------------------


@dataclass
class Compliance:
    """One UPT over a range of WIB days: packages, late counts and streaks of missed days."""

    upt: Upt
    start: dt.date
    end: dt.date
    closed_days: int  # days in the range whose last deadline has passed
    sent_days: int = 0
    sent_closed_days: int = 0
    packages: int = 0
    on_time_occupancy_days: int = 0
    on_time_other_days: int = 0
    longest_missed_streak: int = 0
    last_sent_date: dt.date | None = None
    current_missed_streak: int | None = None  # as of the range's last closed day; None: never sent
    first_received_at: dt.datetime | None = None
    last_received_at: dt.datetime | None = None

    @property
    def late_occupancy_days(self) -> int:
        return self.sent_days - self.on_time_occupancy_days

    @property
    def late_other_days(self) -> int:
        return self.sent_days - self.on_time_other_days

    @property
    def missed_days(self) -> int:
        return self.closed_days - self.sent_closed_days

    @property
    def compliance_percent(self) -> float | None:
        """Share of closed days on which a package arrived."""
        if self.closed_days <= 0:
            return None
        return self.sent_closed_days * 100.0 / self.closed_days

    @property
    def on_time_percent(self) -> float | None:
        """Share of closed days with a package before the 10:00 WIB deadline."""
        if self.closed_days <= 0:
            return None
        on_time_closed = min(self.on_time_occupancy_days, self.sent_closed_days)
        return on_time_closed * 100.0 / self.closed_days

    @property
    def level(self) -> str:
        if self.closed_days <= 0:
            return ""
        if self.missed_days == 0 and self.late_occupancy_days == 0:
            return "green"
        if self.missed_days == 0:
            return "yellow"
        return "red"


def compliance(
    user,
    *,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    report_filter: ReportFilter = ReportFilter(),
) -> list[Compliance]:
    """Per UPT over ``start``..``end``: days sent, late against each deadline, missed days, the longest
    run of missed days in the range and the current one (looking back before the range if need be).
    Two queries: the UPTs (with the last day each sent), and one set-based pass over the submissions."""
    if end < start:
        raise ValueError("end before start")
    now = now or timezone.now()
    closed_end = min(end, last_closed_day(now))
    closed_days = max(0, (closed_end - start).days + 1)
    upts = list(
        scoped_upts(user, report_filter)
        .select_related("kanwil")
        .annotate(
            last_sent=Subquery(
                Submission.objects.filter(upt=OuterRef("pk"), report_date__lte=closed_end)
                .order_by("-report_date")
                .values("report_date")[:1]
            )
        )
        .order_by("kanwil__name", "name")
    )
    if not upts:  # no unit matches the filter (say, a type the region has none of): nothing to count
        return []
    packages_sql, packages_params = (
        Submission.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=[u.pk for u in upts], report_date__gte=start, report_date__lte=end)
        .values("upt_id", "report_date", "received_at", "on_time_occupancy", "on_time_other")
        .order_by()
        .query.sql_with_params()
    )
    first = "(prev IS NULL OR prev <> report_date)"
    gap = "(report_date - COALESCE(prev, %s))"  # whole days: one date minus another
    # One ordered pass over the packages (an index holds them in this order): each day's first row is its
    # best package — on time against 10:00 if any was, else against 14:00 if any was — and the gap
    # before a day's first row is the run of missed days ending the day before it (the range's start
    # counts as "sent the day before").
    sql = f"""
        SELECT upt_id, COUNT(*),
               SUM(CASE WHEN {first} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {first} AND on_time_occupancy THEN 1 ELSE 0 END),
               SUM(CASE WHEN {first} AND on_time_other THEN 1 ELSE 0 END),
               SUM(CASE WHEN {first} AND report_date <= %s THEN 1 ELSE 0 END),
               MAX(CASE WHEN {first} THEN {gap} - 1 END),
               MIN(received_at), MAX(received_at)
        FROM (
            SELECT p.*, LAG(report_date) OVER (
                PARTITION BY upt_id ORDER BY report_date, on_time_occupancy DESC, on_time_other DESC
            ) AS prev
            FROM ({packages_sql}) p
        ) t
        GROUP BY upt_id
    """
    params = [closed_end, start - dt.timedelta(days=1), *packages_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        sent = {row[0]: row[1:] for row in cursor.fetchall()}
    rows = []
    for upt in upts:
        last_sent = upt.last_sent
        item = Compliance(upt=upt, start=start, end=end, closed_days=closed_days, last_sent_date=last_sent)
        trailing = closed_days  # missed days at the end of the range's closed part
        if last_sent is not None and last_sent >= start:
            trailing = max(0, (closed_end - last_sent).days)
        if last_sent is not None:
            item.current_missed_streak = max(0, (closed_end - last_sent).days)
        data = sent.get(upt.pk)
        if data:
            packages, days_sent, occ, oth, sent_closed, inner_gap, first_at, last_at = data
            item.sent_days = int(days_sent)
            item.packages = int(packages)
            item.on_time_occupancy_days = int(occ or 0)
            item.on_time_other_days = int(oth or 0)
            item.sent_closed_days = int(sent_closed or 0)
            item.longest_missed_streak = max(min(int(inner_gap or 0), closed_days), trailing)
            item.first_received_at = first_at
            item.last_received_at = last_at
        else:
            item.longest_missed_streak = closed_days
        rows.append(item)
    return rows


@dataclass
class ComplianceTotals:
    upts: int = 0
    closed_days: int = 0
    upt_days: int = 0
    sent_closed_days: int = 0
    late_occupancy_days: int = 0
    late_other_days: int = 0
    missed_days: int = 0
    fully_compliant: int = 0

    @property
    def compliance_percent(self) -> float | None:
        return None if not self.upt_days else self.sent_closed_days * 100.0 / self.upt_days


def compliance_totals(rows: Iterable[Compliance]) -> ComplianceTotals:
    totals = ComplianceTotals()
    for row in rows:
        totals.upts += 1
        totals.closed_days = row.closed_days
        totals.upt_days += row.closed_days
        totals.sent_closed_days += row.sent_closed_days
        totals.late_occupancy_days += row.late_occupancy_days
        totals.late_other_days += row.late_other_days
        totals.missed_days += row.missed_days
        if row.level == "green":
            totals.fully_compliant += 1
    return totals


@dataclass
class DayCompliance:
    """One UPT's one day, for its history."""

    day: dt.date
    packages: int
    first_received_at: dt.datetime | None
    occupancy_state: str
    other_state: str


def upt_daily_compliance(
    user, *, upt: Upt, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> list[DayCompliance]:
    """Each day of the range for one UPT (newest first). One query."""
    now = now or timezone.now()
    per_day = {
        row["report_date"]: row
        for row in Submission.objects.restrict(user, Action.VIEW)
        .filter(upt=upt, report_date__gte=start, report_date__lte=end)
        .values("report_date")
        .annotate(
            n=Count("id"),
            first=Min("received_at"),
            occ=Count("id", filter=Q(on_time_occupancy=True)),
            other=Count("id", filter=Q(on_time_other=True)),
        )
        .order_by()
    }
    days = []
    day = end
    while day >= start:
        row = per_day.get(day)
        days.append(
            DayCompliance(
                day=day,
                packages=row["n"] if row else 0,
                first_received_at=row["first"] if row else None,
                occupancy_state=SendState.of(
                    sent=bool(row),
                    on_time=bool(row and row["occ"]),
                    deadline=deadline_at(day, settings.SUBMISSION_DEADLINE_OCCUPANCY),
                    now=now,
                ),
                other_state=SendState.of(
                    sent=bool(row),
                    on_time=bool(row and row["other"]),
                    deadline=deadline_at(day, settings.SUBMISSION_DEADLINE_OTHER),
                    now=now,
                ),
            )
        )
        day -= dt.timedelta(days=1)
    return days


# --- Breakdowns and trends ---------------------------------------------------------------------------


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


def occupancy_breakdown(user, *, day: dt.date, report_filter: ReportFilter = ReportFilter()) -> Breakdown:
    """Sums of ``OccupancyBreakdown`` over the scope, each UPT at its latest snapshot on or before ``day``
    (the consolidation writes a UPT's snapshot and breakdown together). Two queries."""
    latest = scoped_upts(user, report_filter).annotate(
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

    def line(code: str, label, keep) -> BreakdownLine:
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

    by_register = with_share([line(r.value, r.label, lambda reg, s, c, r=r: reg == r) for r in Register])
    by_sex = with_share([line(s.value, s.label, lambda reg, sex, c, s=s: sex == s) for s in Sex])
    by_crime = with_share([line(c.value, c.label, lambda r, s, crime, c=c: crime == c) for c in CrimeCategory])
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


@dataclass
class TrendPoint:
    day: dt.date
    upts: int
    capacity: int
    detainees: int
    sentenced: int

    @property
    def occupancy(self) -> Occupancy:
        return Occupancy(capacity=self.capacity, detainees=self.detainees, sentenced=self.sentenced)


def occupancy_trend(
    user, *, start: dt.date, end: dt.date, report_filter: ReportFilter = ReportFilter()
) -> list[TrendPoint]:
    """Daily sums of the snapshots in the scope (oldest first). One query."""
    rows = (
        OccupancySnapshot.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=scoped_upt_ids(user, report_filter), date__gte=start, date__lte=end)
        .values("date")
        .annotate(
            upts=Count("id"),
            cap=Sum("capacity"),
            det=Sum("detainees"),
            sen=Sum("sentenced"),
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
        )
        for r in rows
    ]


# --- Consolidation activity ----------------------------------------------------------------------------


@dataclass
class RunActivity:
    """A consolidation run as the report's scope saw it: the run, and its results summed over the scope."""

    run: ConsolidationRun
    upts: int = 0
    rows_received: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    conflicts: int = 0


def consolidation_runs(user, *, start: dt.date, end: dt.date) -> QuerySet[ConsolidationRun]:
    """Runs created between ``start`` and ``end`` (WIB days), newest first. Runs are national: every role
    with a report scope sees when they ran; their figures come from ``run_activity`` for the scope."""
    if not _sees_runs(user):
        return ConsolidationRun.objects.none()
    return ConsolidationRun.objects.filter(
        created_at__gte=deadline_at(start, dt.time.min), created_at__lt=day_end(end)
    ).order_by("-created_at", "-pk")


def run_activity(
    user, *, runs: Iterable[ConsolidationRun], report_filter: ReportFilter = ReportFilter()
) -> list[RunActivity]:
    """The given runs with their per-UPT results summed over the report's scope. One query."""
    runs = list(runs)
    sums = {
        row["run_id"]: row
        for row in RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run__in=[r.pk for r in runs], upt_id__in=scoped_upt_ids(user, report_filter))
        .values("run_id")
        .annotate(
            upts=Count("id"),
            received=Sum("rows_received"),
            accepted=Sum("rows_accepted"),
            rejected=Sum("rows_rejected"),
            warned=Sum("rows_warned"),
            conflicts=Sum("conflicts"),
        )
        .order_by()
    }
    activity = []
    for run in runs:
        row = sums.get(run.pk)
        item = RunActivity(run=run)
        if row:
            item.upts = row["upts"]
            item.rows_received = int(row["received"] or 0)
            item.rows_accepted = int(row["accepted"] or 0)
            item.rows_rejected = int(row["rejected"] or 0)
            item.rows_warned = int(row["warned"] or 0)
            item.conflicts = int(row["conflicts"] or 0)
        activity.append(item)
    return activity


def _sees_runs(user) -> bool:
    return has_report_scope(user)


def consolidation_run_get(user, *, run_id: int) -> ConsolidationRun:
    """One run, for anyone who may see some UPT's results (its figures are then read for their scope)."""
    run = ConsolidationRun.objects.filter(pk=run_id).first() if _sees_runs(user) else None
    if run is None:
        raise Http404
    return run


def run_results(user, *, run: ConsolidationRun, report_filter: ReportFilter = ReportFilter()) -> list[RunUptResult]:
    """Per-UPT results of one run inside the scope. One query."""
    return list(
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(run=run, upt_id__in=scoped_upt_ids(user, report_filter))
        .select_related("upt", "upt__kanwil")
        .order_by("upt__kanwil__name", "upt__name")
    )


@dataclass
class IssueReason:
    upt_code: str
    upt_name: str
    rule_code: str
    message: str
    severity: str
    rows: int


def run_issue_reasons(
    user, *, run: ConsolidationRun, report_filter: ReportFilter = ReportFilter(), severity: str = ""
) -> list[IssueReason]:
    """Why rows were rejected (or warned about) in one run: per UPT and rule, how many rows. One query."""
    issues = RowIssue.objects.restrict(user, Action.VIEW).filter(
        run=run, submission__upt_id__in=scoped_upt_ids(user, report_filter)
    )
    if severity:
        issues = issues.filter(severity=severity)
    rows = (
        issues.values("submission__upt__code", "submission__upt__name", "rule_id", "rule__message", "severity")
        .annotate(n=Count("id"))
        .order_by("submission__upt__name", "-n", "rule_id")
    )
    return [
        IssueReason(
            upt_code=r["submission__upt__code"],
            upt_name=r["submission__upt__name"],
            rule_code=r["rule_id"],
            message=r["rule__message"],
            severity=r["severity"],
            rows=r["n"],
        )
        for r in rows
    ]


def run_issues(
    user, *, run: ConsolidationRun, report_filter: ReportFilter = ReportFilter(), severity: str = ""
) -> QuerySet[RowIssue]:
    """The rows themselves (for paging): record key, rule, detail."""
    issues = (
        RowIssue.objects.restrict(user, Action.VIEW)
        .filter(run=run, submission__upt_id__in=scoped_upt_ids(user, report_filter))
        .select_related("rule", "submission__upt")
        .order_by("submission__upt__name", "rule_id", "record_key", "pk")
    )
    if severity:
        issues = issues.filter(severity=severity)
    return issues


def upt_recent_results(user, *, upt: Upt, limit: int = 10) -> list[RunUptResult]:
    """The UPT's last consolidation results, newest first. One query."""
    return list(
        RunUptResult.objects.restrict(user, Action.VIEW)
        .filter(upt=upt)
        .select_related("run")
        .order_by("-run_id")[:limit]
    )


SEVERITY_CHOICES = Severity.choices
