"""Celery tasks of a UPT node: thin wrappers over ``upt.node.outbox`` (DESIGN §6)."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="upt.deliver_outbox")
def deliver_outbox() -> int:
    """Deliver every package that is due (queued when one is made, and every minute by beat at a node)."""
    from upt.node.outbox import outbox_deliver_due

    return outbox_deliver_due()


@shared_task(name="upt.node_scheduled_send")
def node_scheduled_send() -> str:
    """The node's daily send (``SDP_NODE_SEND_TIME``): the package made as a system action, then delivered."""
    from upt.node.outbox import OutboxBusy, node_send_scheduled

    try:
        item = node_send_scheduled()
    except OutboxBusy as exc:
        log.info("scheduled send skipped: %s", exc)
        return "busy"
    return str(item.package_id)
