"""Sending over a range of WIB days: per UPT (days sent, late, missed, streaks) and one UPT day by day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from central.models import Submission, Upt
from central.scoping import Action
from central.selectors.reports.common import (
    NO_FILTER,
    ReportFilter,
    SendState,
    deadline_at,
    last_closed_day,
    scoped_upts,
)
from central.typing import AnyUser


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
    # As of the range's last closed day; a UPT that never sent has missed every day since central's first
    # package (or the range's start, if earlier).
    current_missed_streak: int | None = None
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
    *,
    user: AnyUser,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    report_filter: ReportFilter = NO_FILTER,
) -> list[Compliance]:
    """Per UPT over ``start``..``end``: days sent, late against each deadline, missed days, the longest
    run of missed days in the range and the current one (looking back before the range if need be; for a
    UPT that never sent, back to central's first package). Two queries: the UPTs (with the last day each
    sent), and one set-based pass over the submissions."""
    if end < start:
        raise ValueError("end before start")
    now = now or timezone.now()
    closed_end = min(end, last_closed_day(now))
    closed_days = max(0, (closed_end - start).days + 1)
    upts = list(
        scoped_upts(user=user, report_filter=report_filter)
        .select_related("kanwil")
        .annotate(
            last_sent=Subquery(
                Submission.objects.filter(upt=OuterRef("pk"), report_date__lte=closed_end)
                .order_by("-report_date")
                .values("report_date")[:1]
            ),
            # Uncorrelated: the database computes it once for all the UPTs.
            first_national=Subquery(Submission.objects.order_by("report_date").values("report_date")[:1]),
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
        else:
            since = min(start, upt.first_national or start)
            item.current_missed_streak = max(0, (closed_end - since).days + 1)
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
    *, user: AnyUser, upt: Upt, start: dt.date, end: dt.date, now: dt.datetime | None = None
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
