"""A node's periodic tasks, seeded after every migrate like central's daily consolidation
(``operations.schedule``): the outbox's retry every minute, and the optional daily send."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from upt.node.sync import feedback_schedule_seed

log = logging.getLogger(__name__)

RETRY_TASK = "upt.deliver_outbox"
RETRY_TASK_NAME = "kirim-outbox"
RETRY_TASK_DESCRIPTION = (
    "Mengirim paket di outbox node ke pusat: paket yang menunggu dan paket yang gagal terkirim dicoba lagi "
    "(jeda bertambah hingga 30 menit). Tugas yang dihapus dibuat lagi pada migrate berikutnya."
)
SEND_TASK = "upt.node_scheduled_send"
SEND_TASK_NAME = "kirim-harian-node"
SEND_TASK_DESCRIPTION = (
    "Membuat paket harian UPT dan menaruhnya di outbox (SDP_NODE_SEND_TIME, WIB). Ubah jam di sini; "
    "matikan 'Aktif' bila operator mengirim sendiri."
)


@transaction.atomic
def node_schedule_seed() -> list[PeriodicTask]:
    """Create the node's periodic tasks that do not exist yet; never touches one that does."""
    created = []
    if not PeriodicTask.objects.filter(task=RETRY_TASK).exists():
        every, _new = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
        created.append(
            PeriodicTask.objects.create(
                name=RETRY_TASK_NAME, task=RETRY_TASK, interval=every, description=RETRY_TASK_DESCRIPTION
            )
        )
    at = settings.SDP_NODE_SEND_TIME
    if at is not None and not PeriodicTask.objects.filter(task=SEND_TASK).exists():
        crontab = CrontabSchedule.objects.create(
            minute=str(at.minute),
            hour=str(at.hour),
            day_of_month="*",
            month_of_year="*",
            day_of_week="*",
            timezone=ZoneInfo(settings.TIME_ZONE),
        )
        created.append(
            PeriodicTask.objects.create(
                name=SEND_TASK_NAME, task=SEND_TASK, crontab=crontab, description=SEND_TASK_DESCRIPTION
            )
        )
    for task in created:
        log.info("%s scheduled.", task.name)
    feedback_schedule_seed()  # central's feedback every 15 minutes (upt.node.sync)
    return created
