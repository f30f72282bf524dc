"""Celery tasks of a UPT node: thin wrappers over ``upt.node.outbox`` (DESIGN §6)."""

from __future__ import annotations

import logging

from celery import shared_task

from central.mode import is_node, node_upt_code
from upt.node.outbox import OutboxRefusal, node_send_scheduled, outbox_deliver_due
from upt.node.sync import node_refresh

log = logging.getLogger(__name__)


@shared_task(name="upt.deliver_outbox")
def deliver_outbox() -> int:
    """Deliver every package that is due (queued when one is made, and every minute by beat at a node)."""
    return outbox_deliver_due()


@shared_task(name="upt.node_scheduled_send")
def node_scheduled_send() -> str:
    """The node's daily send (``SDP_NODE_SEND_TIME``): the package made as a system action, then delivered."""
    try:
        item = node_send_scheduled()
    except OutboxRefusal as exc:
        log.warning("scheduled send skipped: %s", exc)
        return "skipped"
    return str(item.package_id)


@shared_task(name="upt.node_feedback_sync")
def node_feedback_sync() -> str:
    """Take central's reference data and this UPT's feedback (every 15 minutes at a node, and after a delivery)."""
    if not is_node():
        return "not a node"
    result = node_refresh(node_upt_code())
    return "ok" if result.ok else result.error[:200]
