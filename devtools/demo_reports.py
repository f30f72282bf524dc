"""The demo's report history (``seed_demo`` writes 30 days by default; ``--report-history DAYS`` to change).

The report pages read days of snapshots, packages and consolidation results; a fresh demo has none, so its
trend charts would be empty until the demo had run for days. This writes synthetic past days, ending
yesterday, for the demo UPTs that have sent their register to central: each one's history keeps its
register's mix and grows into its level. The other active UPTs hold nobody in every past snapshot, as
consolidation writes them today (it writes a row for every active UPT). So the consolidation of today's
packages continues every line — occupants and capacity — without a jump.

Written only into a demo that no consolidation has touched yet: the synthetic runs then come before every
real one, in time and in id, and the latest run is always the real one once it exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from central.models import ConsolidationRun, OccupancySnapshot, Submission, Upt
from central.reference import HELD_STATUSES
from devtools.report_dataset import ReportDatasetSummary, report_dataset_generate
from upt.models import Person

DEFAULT_DAYS = 30


def demo_history_blocked() -> str:
    """Why no history can be written now ('' when it can)."""
    if ConsolidationRun.objects.exists():
        return "sudah ada konsolidasi di basis data ini; riwayat sintetis hanya ditulis sebelum yang pertama"
    if OccupancySnapshot.objects.filter(date__lt=timezone.localdate()).exists():
        return "sudah ada snapshot hunian hari-hari sebelumnya"
    return ""


def register_mix(upts: list[Upt]) -> dict[int, dict[tuple[str, str, str], int]]:
    """People each UPT's register holds, per (register, sex, crime category): what consolidation counts."""
    mix: dict[int, dict[tuple[str, str, str], int]] = defaultdict(dict)
    rows = (
        Person.objects.filter(upt__in=upts, status__in=HELD_STATUSES)
        .values_list("upt", "register", "sex", "crime_category")
        .annotate(n=Count("id"))
        .order_by()
    )
    for upt_id, register, sex, crime, n in rows:
        mix[upt_id][(register, sex, crime)] = n
    return dict(mix)


def demo_report_history(upts: list[Upt], *, days: int) -> ReportDatasetSummary | None:
    """Write ``days`` past days of history for those of ``upts`` that have sent a package, once (None when
    there is nothing to do or it is blocked — see ``demo_history_blocked``)."""
    if days <= 0 or demo_history_blocked():
        return None
    senders = [u for u in upts if Submission.objects.filter(upt=u).exists()]
    mix = register_mix(senders)
    senders = [u for u in senders if mix.get(u.pk)]
    if not senders:
        return None
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    summary = report_dataset_generate(
        upts=senders,
        days=days,
        end=yesterday,
        mix=mix,
        seed=2026,
        breakdown_days=days,
        conflicts=False,
        leave_pending=False,
    )
    OccupancySnapshot.objects.bulk_create(
        OccupancySnapshot(
            date=yesterday - dt.timedelta(days=i),
            upt=u,
            capacity=u.capacity,
            detainees=0,
            sentenced=0,
            male=0,
            female=0,
        )
        for u in upts
        if u.is_active and u not in senders
        for i in range(days)
    )
    return summary
