"""Seeding a periodic task into django-celery-beat's tables: central's daily consolidation and purge
(``operations.schedule``) and a node's outbox, feedback and daily send (``upt.node.schedule``) alike."""

from __future__ import annotations

import logging
from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

log = logging.getLogger(__name__)


def periodic_task_seed(
    *, task: str, name: str, description: str, at: time | None = None, every_minutes: int | None = None
) -> PeriodicTask | None:
    """Create the periodic task ``task`` daily at ``at`` (WIB) or every ``every_minutes`` unless one runs it
    already; returns it when created.

    Runs after every ``migrate``: a new database gets the task, and a deleted one comes back, so a scheduled
    job is never lost by accident (switching it off is the *Aktif* (enabled) box). An existing task is never
    touched, whatever the settings say now: after the first migrate the admin owns the schedule. Matched by
    task rather than by name, so renaming the row in the admin does not make a second one.
    """
    if (at is None) == (every_minutes is None):
        raise ValueError("periodic_task_seed: give exactly one of at and every_minutes")
    if PeriodicTask.objects.filter(task=task).exists():
        return None
    if at is not None:
        # A crontab row of its own: editing it in the admin must not move another task that shares the time.
        crontab = CrontabSchedule.objects.create(
            minute=str(at.minute),
            hour=str(at.hour),
            day_of_month="*",
            month_of_year="*",
            day_of_week="*",
            timezone=ZoneInfo(settings.TIME_ZONE),
        )
        created = PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description)
        log.info("%s scheduled at %s %s.", name, at.strftime("%H:%M"), crontab.timezone)
        return created
    every, _new = IntervalSchedule.objects.get_or_create(every=every_minutes, period=IntervalSchedule.MINUTES)
    created = PeriodicTask.objects.create(name=name, task=task, interval=every, description=description)
    log.info("%s scheduled every %s minutes.", name, every_minutes)
    return created
