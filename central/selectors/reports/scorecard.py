"""The monthly data-quality scorecard of each UPT (docs/REPORTS.md, "Rapor kualitas data").

Seven parts, each a score from 0 to 100 with the counts behind it, read from what the runs already store —
the packages and their deadlines, each run's per-UPT results, the daily checks (reconciliation and
anomalies) and the daily snapshot's register counts — so a month's card costs a handful of indexed queries
over that month, never a scan of the register. The card's score is the weighted mean of the parts that
have a figure (a part with no data that month is left out and the others' weights rescaled); with no part
at all the UPT has no score that month. UPTs are ranked by score, nationally and within their Kanwil.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from central.models import Conflict, ConflictState, OccupancySnapshot, RunUptResult, Submission, Upt
from central.models.daily_checks import DailyAnomaly, DailyReconciliation, ReconciliationState
from central.selectors.reports.common import (
    NO_FILTER,
    WIB,
    ReportFilter,
    day_end,
    last_closed_day,
    report_today,
    scoped_upts,
)
from central.typing import AnyUser

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Part key → (label, weight). The weights sum to 100; docs/REPORTS.md states them.
PARTS: dict[str, tuple[StrOrPromise, int]] = {
    "timeliness": (_("Ketepatan waktu"), 25),
    "accepted": (_("Baris lolos validasi"), 15),
    "reconciliation": (_("Rekonsiliasi seimbang"), 15),
    "anomalies": (_("Hari tanpa anomali"), 10),
    "nik": (_("NIK lengkap dan wajar"), 15),
    "extract": (_("Petikan putusan lengkap"), 10),
    "conflicts": (_("Konflik terbuka"), 10),
}
# Each conflict still open at the month's end takes this much off the conflicts part (floor 0).
POINTS_PER_OPEN_CONFLICT = 10
# Below this score a card is red, below the next yellow (the same thresholds as the other reports' colours).
LEVEL_RED_BELOW = 70
LEVEL_YELLOW_BELOW = 90


@dataclass
class Part:
    key: str
    score: float | None  # None: no figure this month
    numerator: int = 0
    denominator: int = 0

    @property
    def label(self) -> str:
        return str(PARTS[self.key][0])

    @property
    def weight(self) -> int:
        return PARTS[self.key][1]


@dataclass
class Scorecard:
    upt: Upt
    month: dt.date  # the month's first day
    parts: dict[str, Part] = field(default_factory=dict)
    rank_national: int | None = None
    rank_kanwil: int | None = None

    @property
    def score(self) -> float | None:
        scored = [p for p in self.parts.values() if p.score is not None]
        weights = sum(p.weight for p in scored)
        if not weights:
            return None
        return sum(p.score * p.weight for p in scored if p.score is not None) / weights

    @property
    def level(self) -> str:
        score = self.score
        if score is None:
            return ""
        if score < LEVEL_RED_BELOW:
            return "red"
        return "yellow" if score < LEVEL_YELLOW_BELOW else "green"

    def part(self, key: str) -> Part:
        return self.parts[key]

    @property
    def part_list(self) -> list[Part]:
        return list(self.parts.values())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def previous_month(first: dt.date) -> dt.date:
    return month_start(first - dt.timedelta(days=1))


def _share(good: int, total: int) -> float | None:
    return None if total <= 0 else 100.0 * good / total


def scorecards(
    *, user: AnyUser, month: dt.date, now: dt.datetime | None = None, report_filter: ReportFilter = NO_FILTER
) -> list[Scorecard]:
    """Every covered UPT's card for ``month`` (any day of it), best first, ranked among the UPTs shown
    (nationally on the national page, within each Kanwil everywhere). A fixed number of queries."""
    upts = list(scoped_upts(user=user, report_filter=report_filter).select_related("kanwil"))
    cards = list(_cards(upts, [month_start(month)], now=now).values())
    ranked = sorted(cards, key=lambda c: (c.score is None, -(c.score or 0), c.upt.kanwil.name, c.upt.name))
    _rank(ranked, "rank_national")
    by_kanwil: dict[int, list[Scorecard]] = defaultdict(list)
    for card in ranked:
        by_kanwil[card.upt.kanwil_id].append(card)
    for group in by_kanwil.values():
        _rank(group, "rank_kanwil")
    return ranked


def scorecard_trend(*, user: AnyUser, upt: Upt, months: int = 12, now: dt.datetime | None = None) -> list[Scorecard]:
    """One UPT's cards for its last ``months`` months, newest first (the same queries as one month's)."""
    upts = list(scoped_upts(user=user, report_filter=ReportFilter(upt=upt)).select_related("kanwil"))
    first = month_start(report_today(now))
    wanted = [first]
    for _index in range(months - 1):
        wanted.append(previous_month(wanted[-1]))
    cards = _cards(upts, wanted, now=now)
    return [cards[(u.pk, m)] for m in wanted for u in upts if (u.pk, m) in cards]


def _cards(upts: list[Upt], months: list[dt.date], *, now: dt.datetime | None) -> dict[tuple[int, dt.date], Scorecard]:
    """The cards of ``upts`` × ``months`` (first days), each part read in one query grouped by UPT and month."""
    today = report_today(now)
    closed_until = last_closed_day(now or timezone.now())
    months = [m for m in months if m <= today]
    if not upts or not months:
        return {}
    ids = [u.pk for u in upts]
    start, end = min(months), min(month_end(max(months)), today)
    by_month = lambda field_name: TruncMonth(field_name, tzinfo=WIB)  # noqa: E731 — one expression, reused
    cards = {(u.pk, m): Scorecard(upt=u, month=m) for u in upts for m in months}
    # Days before central's first package ever predate the system: they are not missed days.
    first_package = Submission.objects.order_by("report_date").values_list("report_date", flat=True).first()

    on_time = {
        (r["upt_id"], r["m"]): r["days"]
        for r in Submission.objects.filter(
            upt_id__in=ids, report_date__gte=start, report_date__lte=min(end, closed_until), on_time_occupancy=True
        )
        .annotate(m=TruncMonth("report_date"))
        .values("upt_id", "m")
        .annotate(days=Count("report_date", distinct=True))
        .order_by()
    }
    results = {
        (r["upt_id"], r["m"].date()): (int(r["received"] or 0), int(r["rejected"] or 0))
        for r in RunUptResult.objects.filter(
            upt_id__in=ids, run__started_at__gte=_moment(start), run__started_at__lt=day_end(end)
        )
        .annotate(m=by_month("run__started_at"))
        .values("upt_id", "m")
        .annotate(received=Sum("rows_received"), rejected=Sum("rows_rejected"))
        .order_by()
    }
    reconciled = {
        (r["upt_id"], r["m"]): (r["balanced"], r["breaks"])
        for r in DailyReconciliation.objects.filter(upt_id__in=ids, date__gte=start, date__lte=end)
        .annotate(m=TruncMonth("date"))
        .values("upt_id", "m")
        .annotate(
            balanced=Count("pk", filter=Q(state=ReconciliationState.BALANCED)),
            breaks=Count("pk", filter=Q(state=ReconciliationState.BREAK)),
        )
        .order_by()
    }
    anomalies = {
        (r["upt_id"], r["m"]): (r["scored"], r["flagged"])
        for r in DailyAnomaly.objects.filter(upt_id__in=ids, date__gte=start, date__lte=end, score__isnull=False)
        .annotate(m=TruncMonth("date"))
        .values("upt_id", "m")
        .annotate(scored=Count("date", distinct=True), flagged=Count("date", distinct=True, filter=Q(flagged=True)))
        .order_by()
    }
    # The register parts as of each UPT's last snapshot in each month.
    snapshots = {
        (s.upt_id, month_start(s.date)): s
        for s in OccupancySnapshot.objects.filter(upt_id__in=ids, date__gte=start, date__lte=end)
        .annotate(m=TruncMonth("date"))
        .order_by("upt_id", "m", "-date")
        .distinct("upt_id", "m")
    }
    # Open at a month's end: detected before it, and still open or closed after it (a conflict closed
    # without a recorded moment counts as closed).
    conflicts = list(
        Conflict.objects.filter(upt_id__in=ids, detected_at__lt=day_end(end))
        .filter(Q(state=ConflictState.OPEN) | Q(closed_at__gte=_moment(start)))
        .values_list("upt_id", "detected_at", "closed_at", "state")
    )

    for (upt_id, month), card in cards.items():
        last = min(month_end(month), today)
        counted_from = max(month, first_package) if first_package else last + dt.timedelta(days=1)
        closed = max(0, (min(last, closed_until) - counted_from).days + 1)
        good = min(on_time.get((upt_id, month), 0), closed)
        received, rejected = results.get((upt_id, month), (0, 0))
        balanced, breaks = reconciled.get((upt_id, month), (0, 0))
        scored, flagged = anomalies.get((upt_id, month), (0, 0))
        snap = snapshots.get((upt_id, month))
        parts = [
            Part("timeliness", _share(good, closed), good, closed),
            Part("accepted", _share(received - rejected, received), received - rejected, received),
            Part("reconciliation", _share(balanced, balanced + breaks), balanced, balanced + breaks),
            Part("anomalies", _share(scored - flagged, scored), scored - flagged, scored),
        ]
        if snap is not None and snap.nik_plausible is not None and snap.sentenced_without_extract is not None:
            complete = snap.sentenced - snap.sentenced_without_extract
            parts += [
                Part("nik", _share(snap.nik_plausible, snap.total), snap.nik_plausible, snap.total),
                Part("extract", _share(complete, snap.sentenced), complete, snap.sentenced),
            ]
        else:
            parts += [Part("nik", None), Part("extract", None)]
        month_close = day_end(last)
        open_conflicts = sum(
            1
            for c_upt, detected, closed_at, state in conflicts
            if c_upt == upt_id
            and detected < month_close
            and (closed_at >= month_close if closed_at is not None else state == ConflictState.OPEN)
        )
        # Known only for a UPT that took part in the month (a package, or people in its snapshot): a unit that
        # sent nothing earns no points for having no conflicts.
        took_part = received > 0 or (snap is not None and snap.total > 0)
        score = max(0.0, 100.0 - POINTS_PER_OPEN_CONFLICT * open_conflicts) if took_part else None
        parts.append(Part("conflicts", score, open_conflicts, 0))
        card.parts = {p.key: p for p in parts}
    return cards


def _rank(cards: list[Scorecard], attribute: str) -> None:
    """Competition ranking (1, 2, 2, 4) by the score rounded to one decimal, as shown; no score, no rank."""
    rank, previous = 0, None
    for position, card in enumerate(cards, start=1):
        score = card.score
        if score is None:
            continue
        shown = round(score, 1)
        if shown != previous:
            rank, previous = position, shown
        setattr(card, attribute, rank)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=WIB)
