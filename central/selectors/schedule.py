"""When the daily consolidation runs, read from its one source of truth: the periodic task row that beat runs
(seeded from ``CONSOLIDATION_TIME``, then owned by the admin). Report pages cite it in their empty state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django_celery_beat.models import PeriodicTask

from central.models import ACTIVE_RUN_STATES, ConsolidationRun, OccupancySnapshot, RunState

DAILY_TASK = "central.tasks.consolidation_scheduled_task"


def daily_consolidation_time() -> dt.time | None:
    """The time of day (WIB) of the enabled daily consolidation, or None when it is switched off or its
    crontab is not a single time a day (a range or a list has no one time to cite). One query."""
    task = PeriodicTask.objects.filter(task=DAILY_TASK, enabled=True).select_related("crontab").first()
    crontab = task.crontab if task else None
    if crontab is None or not (crontab.hour.isdigit() and crontab.minute.isdigit()):
        return None
    local = ZoneInfo(settings.TIME_ZONE)
    zone = crontab.timezone if isinstance(crontab.timezone, dt.tzinfo) else ZoneInfo(str(crontab.timezone))
    fires = dt.datetime.combine(dt.datetime.now(local).date(), dt.time(int(crontab.hour), int(crontab.minute)), zone)
    return fires.astimezone(local).time()


@dataclass(frozen=True)
class FirstRunPending:
    """No consolidation has succeeded yet: reports have nothing to show until one does."""

    at: dt.time | None  # the daily run's time (WIB), None when the schedule is off


def first_run_pending() -> FirstRunPending | None:
    """None once a consolidation has succeeded or is under way (its progress is on the page) or a snapshot
    exists (one query); before that, when the first run is due (two). Not scoped: whether the national run
    has happened is the same for everyone."""
    started = ConsolidationRun.objects.filter(state__in=[RunState.SUCCEEDED, *ACTIVE_RUN_STATES])
    if started.exists() or OccupancySnapshot.objects.exists():
        return None
    return FirstRunPending(at=daily_consolidation_time())
