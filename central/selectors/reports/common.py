"""What a report covers and when: the user's scope narrowed by a ``ReportFilter``, the WIB report day and
its deadlines, and the timeliness states a UPT's day can be in.

Timeliness (DESIGN §1): a UPT's day is *on time* against a deadline when any package for that WIB report
day arrived before it, *late* when packages arrived but none before it, *waiting* when nothing arrived
and the deadline has not passed yet, and *missed* when nothing arrived and it has. A day counts as missed
in the compliance report once its last deadline (``SUBMISSION_DEADLINE_OTHER``) has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from central.models import Kanwil, Upt, UptType
from central.scoping import Action, get_scoped_or_404, has_central_permission
from central.typing import AnyUser

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


# A report over the user's whole scope (the default of every selector).
NO_FILTER = ReportFilter()


def report_kanwil_get(*, user: AnyUser, code: str) -> Kanwil:
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


def report_upt_get(*, user: AnyUser, code: str) -> Upt:
    """A UPT whose figures the user may see: operators their own, Kanwil their region's, central all."""
    return get_scoped_or_404(Upt.objects.select_related("kanwil"), user, Action.VIEW, code=code)


def report_kanwils(*, user: AnyUser) -> QuerySet[Kanwil]:
    """The regions whose reports the user may open."""
    return Kanwil.objects.restrict(user, Action.VIEW).order_by("name")


def report_upts(*, user: AnyUser) -> QuerySet[Upt]:
    """The UPTs whose report pages the user may open (an operator: their own)."""
    return Upt.objects.restrict(user, Action.VIEW).select_related("kanwil").order_by("kanwil__name", "name")


def may_see_national(*, user: AnyUser) -> bool:
    return has_central_permission(user, Action.VIEW)


def has_report_scope(*, user: AnyUser) -> bool:
    """Whether the user may see any report at all (someone with no role or unit may not)."""
    return may_see_national(user=user) or Upt.objects.restrict(user, Action.VIEW).exists()


def scoped_upts(*, user: AnyUser, report_filter: ReportFilter) -> QuerySet[Upt]:
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


def scoped_upt_ids(*, user: AnyUser, report_filter: ReportFilter) -> list[int]:
    """The covered UPTs' ids. Child queries filter on this literal list rather than on the scope's
    subquery: the planner then knows how few UPTs a region has and reads them through their indexes."""
    return list(scoped_upts(user=user, report_filter=report_filter).values_list("pk", flat=True))


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
