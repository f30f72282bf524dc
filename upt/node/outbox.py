"""The node's outbox: "Kirim ke pusat" at a UPT node stores the package here, and a worker delivers it.

A package is built, sealed and stored in one transaction before anything leaves the node, so a restart or
a lost link never loses it; its ``package_id`` is fixed, so a retry after a lost answer gets central's
original result (central is idempotent on the package id) and never puts the package twice in the
register. One package is in flight at a time and packages go in the order they were made: the next
delta follows the last one central accepted (``upt.services.package.package_plan``).

Delivery: a 2xx is *delivered* (central's answer, its ``next_package`` included, is kept for the plan); a
400/409/413 is *refused* with central's reasons; 401/403 is *refused* (the node's credential); anything
that may pass (no connection, a timeout, 429, 5xx) is retried with exponential backoff and jitter, never
sooner than central's Retry-After.
"""

from __future__ import annotations

import gzip
import logging
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from central.formats import show_datetime
from central.models import Upt
from central.typing import AnyUser
from upt.models import OutboxPackage, OutboxState, PackageMark
from upt.node.client import CentralClient, CentralUnreachable, failure_sentence
from upt.node.reference import reference_send_check
from upt.node.sync import feedback_sync_soon
from upt.services.package import _build, _ensure_submitter

log = logging.getLogger(__name__)

# A worker that died while sending leaves its item *sending*: after this lease another worker takes it up
# (central's idempotency makes a send that did reach it harmless).
SENDING_LEASE = timedelta(minutes=15)


class OutboxRefusal(Exception):
    """No package is made now; the message says why and what to do."""


class NotReadyToSend(OutboxRefusal):
    """The node holds no (or an incompatible) reference data from central (``reference_send_check``)."""


class OutboxBusy(OutboxRefusal):
    """A package of this UPT is still waiting or being sent: the next one would not follow it."""

    def __init__(self, item: OutboxPackage) -> None:
        super().__init__(
            _(
                "Paket sebelumnya (dibuat %(when)s) masih %(state)s. Satu paket dikirim pada satu waktu dan "
                "berurutan; paket baru dapat dibuat setelah pusat menjawab paket itu."
            )
            % {"when": show_datetime(item.created_at, zone=True), "state": item.get_state_display()}
        )
        self.item = item


def outbox_in_flight(upt: Upt) -> OutboxPackage | None:
    """The package of ``upt`` waiting or being sent, if any."""
    return (
        OutboxPackage.objects.filter(upt=upt, state__in=[OutboxState.WAITING, OutboxState.SENDING])
        .order_by("created_at", "pk")
        .first()
    )


def outbox_enqueue(*, user: AnyUser | None, upt: Upt, force_full: bool = False) -> OutboxPackage:
    """Build the package as "Kirim ke pusat" does, seal it and store it for delivery, in one transaction.

    ``user`` is the operator (checked like every sender), or None for the node's scheduled daily send.
    Raises ``OutboxBusy`` while an earlier package is still in flight, ``NotReadyToSend`` while the node's
    reference data from central is missing or speaks another package format.
    """
    if user is not None:
        _ensure_submitter(user, upt)
    refusal = reference_send_check()
    if refusal is not None:
        raise NotReadyToSend(refusal)
    with transaction.atomic():
        # The UPT's row serialises two operators pressing "Kirim" at once: the second sees the first's item.
        Upt.objects.select_for_update().filter(pk=upt.pk).first()
        busy = outbox_in_flight(upt)
        if busy is not None:
            raise OutboxBusy(busy)
        # The scheduled send has no operator; at a node the plan reads the outbox, not a person's scope.
        built = _build(user=user or AnonymousUser(), upt=upt, force_full=force_full, package_id=None, seal=True)
        body = gzip.compress(built.payload())
        item = OutboxPackage.objects.create(
            package_id=uuid.UUID(built.package_id),
            upt=upt,
            mark=PackageMark.objects.get(package_id=built.package_id),
            kind=built.plan.kind,
            reason=built.plan.reason,
            generated_at=built.generated_at,
            payload=body,
            size=len(body),
            rows=built.row_count,
            state=OutboxState.WAITING,
            next_attempt_at=timezone.now(),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(_queue_delivery)
    return item


def _queue_delivery() -> None:
    from upt.tasks import deliver_outbox  # cycle: upt.tasks imports this module for its tasks

    try:
        deliver_outbox.delay()
    except Exception:  # the broker down: the periodic retry delivers it within a minute
        log.warning("outbox delivery could not be queued; the periodic retry will deliver it", exc_info=True)


def _claim(now: datetime) -> OutboxPackage | None:
    """The oldest due item, marked *sending* in a short transaction; SKIP LOCKED keeps two workers apart."""
    with transaction.atomic():
        item = (
            OutboxPackage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=OutboxState.WAITING, next_attempt_at__lte=now)
                | Q(state=OutboxState.WAITING, next_attempt_at__isnull=True)
                | Q(state=OutboxState.SENDING, next_attempt_at__lte=now)  # a dead worker's lease
            )
            .order_by("created_at", "pk")
            .first()
        )
        if item is None:
            return None
        item.state = OutboxState.SENDING
        item.attempts += 1
        item.next_attempt_at = now + SENDING_LEASE
        item.save(update_fields=["state", "attempts", "next_attempt_at"])
    return item


def outbox_deliver_due(now: datetime | None = None) -> int:
    """Deliver every due item, oldest first, one at a time; returns how many were delivered."""
    delivered = 0
    while True:
        item = _claim(now or timezone.now())
        if item is None:
            return delivered
        if _send(item) == OutboxState.DELIVERED:
            delivered += 1
        elif item.state == OutboxState.WAITING:
            # Central unreachable: the next items would fail alike and must not overtake this one.
            return delivered


def outbox_deliver(item: OutboxPackage) -> str:
    """Deliver one item now, whatever its next attempt time (the operator's "Kirim sekarang"); its state."""
    claimed = _claim_one(item.pk)
    if claimed is None:
        item.refresh_from_db()
        return str(item.state)
    return _send(claimed)


def _claim_one(pk: int) -> OutboxPackage | None:
    with transaction.atomic():
        item = (
            OutboxPackage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state__in=[OutboxState.WAITING, OutboxState.SENDING])
            .first()
        )
        if item is None:
            return None
        item.state = OutboxState.SENDING
        item.attempts += 1
        item.next_attempt_at = timezone.now() + SENDING_LEASE
        item.save(update_fields=["state", "attempts", "next_attempt_at"])
    return item


def _send(item: OutboxPackage) -> str:
    try:
        status, data = CentralClient.from_settings().post_package(bytes(item.payload), gzip=True)
    except CentralUnreachable as exc:
        _retry_later(item, exc.operator_message(), str(exc), retry_after=exc.retry_after)
    except ImproperlyConfigured as exc:
        _retry_later(item, failure_sentence("config"), str(exc), retry_after=None)
    else:
        _answered(item, status, data)
    return str(item.state)


def retry_delay(attempts: int, *, retry_after: int | None = None, jitter: float | None = None) -> timedelta:
    """Exponential backoff: the first wait doubled for each failed attempt up to the cap, ±20 % jitter,
    never sooner than central's Retry-After."""
    first, cap = settings.SDP_NODE_RETRY_FIRST_SECONDS, settings.SDP_NODE_RETRY_MAX_SECONDS
    seconds = min(cap, first * 2 ** max(0, min(attempts - 1, 30)))
    seconds *= jitter if jitter is not None else random.uniform(0.8, 1.2)
    return timedelta(seconds=max(seconds, retry_after or 0))


def _retry_later(item: OutboxPackage, sentence: str, detail: str, *, retry_after: int | None) -> None:
    """Wait and retry. ``sentence`` is the operator's (the page shows it with the next attempt's time);
    ``detail``, the system's own words, goes to the log only."""
    item.state = OutboxState.WAITING
    item.next_attempt_at = timezone.now() + retry_delay(item.attempts, retry_after=retry_after)
    item.last_error = sentence
    item.save(update_fields=["state", "next_attempt_at", "last_error"])
    log.warning("outbox %s: central unreachable (%s), retry at %s", item.package_id, detail, item.next_attempt_at)


def _answered(item: OutboxPackage, status: int, data: Any) -> None:
    now = timezone.now()
    item.answer = data if isinstance(data, dict) else {"detail": str(data)}
    item.next_attempt_at = None
    if 200 <= status < 300:
        item.state, item.delivered_at, item.last_error = OutboxState.DELIVERED, now, ""
    elif status in (401, 403):
        item.state = OutboxState.REFUSED
        item.last_error = _("Kredensial node ditolak pusat: %(detail)s Minta kredensial baru ke admin pusat.") % {
            "detail": _detail(item.answer)
        }
    else:
        item.state = OutboxState.REFUSED
        item.last_error = _("Paket ditolak pusat (HTTP %(status)s): %(detail)s") % {
            "status": status,
            "detail": _detail(item.answer),
        }
    item.save(update_fields=["state", "delivered_at", "last_error", "answer", "next_attempt_at"])
    log.info("outbox %s: central answered %s (%s)", item.package_id, status, item.state)
    if item.state == OutboxState.DELIVERED:
        feedback_sync_soon()  # central's results and corrections for what it just received


def _detail(answer: dict) -> str:
    detail = str(answer.get("detail") or "").strip()
    return detail if detail.endswith(".") or not detail else f"{detail}."


def outbox_reasons(item: OutboxPackage) -> list[str]:
    """Central's reasons for refusing a package, one sentence each (its ``errors``, with where)."""
    errors = (item.answer or {}).get("errors") or []
    reasons = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        message, path = str(error.get("message", "")).strip(), str(error.get("path", "")).strip()
        reasons.append(f"{path}: {message}" if path else message)
    return reasons


def node_send_scheduled() -> OutboxPackage:
    """The node's scheduled daily send: its one UPT's package, made by no operator (a system action)."""
    upt = Upt.objects.get(code=settings.SDP_UPT_CODE)
    return outbox_enqueue(user=None, upt=upt)
