"""A node's periodic tasks, seeded after every migrate like central's daily consolidation
(``operations.schedule``): the outbox's retry every minute, and the optional daily send."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from central.services.schedule import periodic_task_seed
from upt.node.sync import feedback_schedule_seed

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
    seeded = [
        periodic_task_seed(task=RETRY_TASK, name=RETRY_TASK_NAME, description=RETRY_TASK_DESCRIPTION, every_minutes=1)
    ]
    at = settings.SDP_NODE_SEND_TIME
    if at is not None:
        seeded.append(periodic_task_seed(task=SEND_TASK, name=SEND_TASK_NAME, description=SEND_TASK_DESCRIPTION, at=at))
    feedback_schedule_seed()  # central's feedback every 15 minutes (upt.node.sync)
    return [task for task in seeded if task is not None]
