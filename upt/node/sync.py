"""Central's feedback at a UPT node: ``feedback_sync`` fetches ``GET /api/v1/upts/<code>/feedback/`` and keeps
the answer whole (``CentralFeedback``), with when it was fetched. A failed attempt keeps the last answer and
records why, so the pages show the last known feedback with a notice instead of nothing.

Run every 15 minutes by beat at a node, after each delivered package, and by the "Perbarui dari pusat"
button. The reference data is refreshed in the same pass (``upt.node.reference``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from central.models import Upt
from central.services.schedule import periodic_task_seed
from upt.node.client import CentralClient, CentralUnreachable
from upt.node.records import CentralFeedback
from upt.node.reference import reference_sync

log = logging.getLogger(__name__)


@dataclass
class FeedbackResult:
    ok: bool
    fetched_at: dt.datetime | None
    error: str = ""


def feedback_path(upt_code: str) -> str:
    return f"/api/v1/upts/{upt_code}/feedback/"


def feedback_sync(
    upt: Upt | str, *, client: CentralClient | None = None, now: dt.datetime | None = None
) -> FeedbackResult:
    """Fetch and store central's feedback for ``upt`` (a Upt or its code)."""
    code = upt if isinstance(upt, str) else upt.code
    client = client or CentralClient.from_settings()
    now = now or timezone.now()
    row, _new = CentralFeedback.objects.get_or_create(upt_code=code)
    try:
        status, data = client.get_json(feedback_path(code))
    except CentralUnreachable as exc:
        error = exc.operator_message()[:500]  # the technical detail is in the client's log
        CentralFeedback.objects.filter(pk=row.pk).update(attempted_at=now, error=error)
        return FeedbackResult(ok=False, fetched_at=row.fetched_at, error=error)
    if status != 200 or not isinstance(data, dict):
        detail = data.get("detail", "") if isinstance(data, dict) else ""
        error = _("Pusat menolak permintaan (HTTP %(status)s). %(detail)s") % {"status": status, "detail": detail}
        CentralFeedback.objects.filter(pk=row.pk).update(attempted_at=now, error=error.strip()[:500])
        return FeedbackResult(ok=False, fetched_at=row.fetched_at, error=error.strip())
    CentralFeedback.objects.filter(pk=row.pk).update(data=data, fetched_at=now, attempted_at=now, error="")
    log.info("feedback for %s taken from central", code)
    return FeedbackResult(ok=True, fetched_at=now)


def node_refresh(upt: Upt | str, *, client: CentralClient | None = None) -> FeedbackResult:
    """One pass of everything the node takes from central: reference data, then the UPT's feedback."""
    client = client or CentralClient.from_settings()
    reference_sync(client=client)
    return feedback_sync(upt, client=client)


FEEDBACK_TASK = "upt.node_feedback_sync"
FEEDBACK_TASK_NAME = "umpan-balik-pusat"
FEEDBACK_TASK_DESCRIPTION = (
    "Mengambil data acuan dan umpan balik pusat (daftar koreksi, hasil konsolidasi, konflik) untuk UPT node ini "
    "setiap 15 menit. Tugas yang dihapus dibuat lagi pada migrate berikutnya."
)


@transaction.atomic
def feedback_schedule_seed() -> bool:
    """Create the node's 15-minute feedback task if it does not exist (never touches one that does)."""
    created = periodic_task_seed(
        task=FEEDBACK_TASK, name=FEEDBACK_TASK_NAME, description=FEEDBACK_TASK_DESCRIPTION, every_minutes=15
    )
    return created is not None


def feedback_sync_soon() -> None:
    """Ask the workers for a feedback pass once the current transaction commits (after a delivery)."""
    transaction.on_commit(_queue_feedback)


def _queue_feedback() -> None:
    from upt.tasks import node_feedback_sync  # cycle: upt.tasks imports this module for its tasks

    try:
        node_feedback_sync.delay()
    except Exception:  # the broker down: the 15-minute pass takes the feedback
        log.warning("feedback pass could not be queued; the periodic pass will take it", exc_info=True)
