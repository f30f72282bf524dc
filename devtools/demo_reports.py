"""An optional report history for the demo (``seed_demo --report-history DAYS``).

The report pages read days of snapshots, packages and consolidation results; a fresh demo has only today.
This writes synthetic past days for the demo UPTs with the national report generator — a UPT with a
working register ends near the number of people it really holds — so that trends, streaks and the
compliance report have something to show. Today is left to the real flow (packages, consolidation).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from central.models import ConsolidationRun, OccupancySnapshot, Upt
from central.reference import HELD_STATUSES
from devtools.report_dataset import SYNTHETIC_STEP, ReportDatasetSummary, report_dataset_generate
from upt.models import Person


def demo_report_history(upts: list[Upt], *, days: int) -> ReportDatasetSummary | None:
    """Write ``days`` past days of history for ``upts``, once (None when there is nothing to do)."""
    today = timezone.localdate()
    if (
        days <= 0
        or not upts
        or ConsolidationRun.objects.filter(step=SYNTHETIC_STEP).exists()
        or OccupancySnapshot.objects.filter(upt__in=upts, date__lt=today).exists()
    ):
        return None
    held = dict(
        Person.objects.filter(upt__in=upts, status__in=HELD_STATUSES)
        .values("upt")
        .annotate(n=Count("id"))
        .values_list("upt", "n")
    )
    return report_dataset_generate(upts=upts, days=days, occupants=held, seed=2026)
