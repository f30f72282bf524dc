"""The daily consolidation's schedule: one row in django-celery-beat's tables, seeded once from settings.

The row is the only source of truth. ``CELERY_BEAT_SCHEDULE`` stays empty on purpose: django-celery-beat's
``DatabaseScheduler`` writes every entry of it back into the database (``update_or_create``) each time beat
starts, which silently undid an admin's change in *Periodic tasks*. Beat reads the row, the admin edits it,
and a restart of beat keeps it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from celery import schedules
from django.conf import settings
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from central.services.schedule import periodic_task_seed

log = logging.getLogger(__name__)

DAILY_TASK = "central.tasks.consolidation_scheduled_task"
DAILY_TASK_NAME = "konsolidasi-harian"
# Stored data, in the system's language; the admin may rewrite it. The change form adds a translated hint.
DAILY_TASK_DESCRIPTION = (
    "Konsolidasi harian pusat — ubah jam di sini (jadwal crontab, WIB). Tidak boleh sebelum batas kiriman "
    "data. Untuk menghentikannya sementara, matikan 'Aktif'; tugas yang dihapus dibuat lagi pada migrate "
    "berikutnya."
)


@transaction.atomic
def daily_schedule_seed(*, at: time) -> PeriodicTask | None:
    """The daily consolidation, at ``CONSOLIDATION_TIME`` for a new database."""
    return periodic_task_seed(task=DAILY_TASK, name=DAILY_TASK_NAME, description=DAILY_TASK_DESCRIPTION, at=at)


PURGE_TASK = "central.tasks.staging_purge_task"
PURGE_TASK_NAME = "pembersihan-staging"
PURGE_TASK_DESCRIPTION = (
    "Menghapus baris staging kiriman yang sudah dikonsolidasi setelah masa koreksi (STAGING_RETENTION_DAYS), "
    "bertahap, dan berhenti sendiri bila konsolidasi sedang berjalan. Jadwal crontab, WIB; tugas yang dihapus "
    "dibuat lagi pada migrate berikutnya."
)


@transaction.atomic
def purge_schedule_seed(*, at: time) -> PeriodicTask | None:
    """The nightly staging purge, at ``STAGING_PURGE_TIME`` for a new database; ``CELERY_BEAT_SCHEDULE`` stays
    empty, so it is seeded like the daily consolidation."""
    return periodic_task_seed(task=PURGE_TASK, name=PURGE_TASK_NAME, description=PURGE_TASK_DESCRIPTION, at=at)


def crontab_earliest_before_deadline(*, minute: str, hour: str, timezone: tzinfo | str) -> time | None:
    """The earliest time of day (WIB) at which this crontab fires before ``SUBMISSION_DEADLINE_OTHER``, or None.

    A run before the deadline consolidates a day whose packages are still arriving. The settings check
    (``CONSOLIDATION_TIME`` ≥ the deadline) only guards the seed; this guards the admin's later edits.
    """
    spec = schedules.crontab(minute=minute, hour=hour)
    zone = timezone if isinstance(timezone, tzinfo) else ZoneInfo(str(timezone))
    local = ZoneInfo(settings.TIME_ZONE)
    deadline = settings.SUBMISSION_DEADLINE_OTHER
    year = date.today().year
    early = [
        fires
        # Mid-January and mid-July: both sides of any daylight-saving change in the crontab's own zone.
        for day in (date(year, 1, 15), date(year, 7, 15))
        for h in spec.hour
        for m in spec.minute
        if (fires := datetime.combine(day, time(h, m), tzinfo=zone).astimezone(local).time()) < deadline
    ]
    return min(early, default=None)
