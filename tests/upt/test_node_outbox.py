"""The node's outbox: a package is built into it and delivered to central's API with retry and backoff.

The delivery tests use pytest-django's ``live_server`` as central: the same test database serves both
sides (the node's outbox rows and central's inbox), which is enough for the exchange itself; tests/node
runs the two servers apart.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.urls import clear_url_caches
from django.utils import timezone

from central import package as pkg
from central.formats import show_datetime
from central.models import Submission
from central.services.nodes import node_credential_issue
from tests.factories import PersonFactory
from upt.models import OutboxPackage, OutboxState
from upt.node.client import FAILURE_SENTENCES
from upt.node.outbox import (
    NotReadyToSend,
    OutboxBusy,
    outbox_deliver_due,
    outbox_enqueue,
    outbox_reasons,
    retry_delay,
)
from upt.node.records import NodeReference
from upt.services.package import package_build


@pytest.fixture
def node(settings):
    """This process as UPT A's node, holding central's reference data (so it may send)."""
    settings.SDP_MODE = "upt"
    settings.SDP_UPT_CODE = "LP3301"
    settings.SDP_NODE_RETRY_FIRST_SECONDS = 30
    settings.SDP_NODE_RETRY_MAX_SECONDS = 1800
    settings.SDP_NODE_TIMEOUT = 10
    NodeReference.objects.update_or_create(
        pk=1, defaults={"version": "uji", "package_format_version": pkg.FORMAT_VERSION}
    )
    return settings


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def delivered(item: OutboxPackage, next_package: dict) -> None:
    """Mark ``item`` delivered with central's ``next_package`` answer (no central needed for the plan)."""
    item.state, item.delivered_at = OutboxState.DELIVERED, timezone.now()
    item.answer = {"package_id": str(item.package_id), "state": "received", "next_package": next_package}
    item.save()


# --- Enqueue and the plan --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_at_a_node_follows_the_outbox(node, world):
    PersonFactory(upt=world.upt_a, reg_number="AIII/001/2026")
    first = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    assert (first.kind, first.reason, first.state) == ("full", "first", "waiting")
    assert first.mark.package_id == first.package_id and first.rows == 1 and first.size == len(bytes(first.payload))
    assert not Submission.objects.exists()  # nothing reaches central's tables in-process at a node

    # Until central has accepted it, the next package would still be a full first one.
    assert package_build(user=world.operator_a, upt=world.upt_a).plan.reason == "first"
    delivered(first, {"kind": "delta", "reason": ""})
    PersonFactory(upt=world.upt_a, reg_number="AIII/002/2026")
    second = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    assert (second.kind, second.reason, second.rows) == ("delta", "delta", 1)
    document = pkg.decode_payload(bytes(second.payload), max_bytes=10**7)
    assert [p["reg_number"] for p in pkg.load_document(document)["persons"]] == ["AIII/002/2026"]

    # Central's answer asked for a full snapshot (drift): the next one is full.
    delivered(second, {"kind": "full", "reason": "drift"})
    third = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    assert (third.kind, third.reason, third.rows) == ("full", "drift", 2)
    delivered(third, {"kind": "full", "reason": "requested"})
    assert package_build(user=world.operator_a, upt=world.upt_a).plan.reason == "requested"


@pytest.mark.django_db
def test_one_package_in_flight(node, world, client_for, settings):
    settings.ROOT_URLCONF = "sdp_project.urls_node"
    clear_url_caches()
    first = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    with pytest.raises(OutboxBusy, match="masih menunggu"):
        outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    client = client_for(world.operator_a)
    page = client.get("/upt/LP3301/kirim/").content.decode()
    assert "masih menunggu" in page and "disabled" in page
    response = client.post("/upt/LP3301/kirim/", {}, follow=True)
    assert "Satu paket dikirim pada satu waktu" in response.content.decode()
    assert OutboxPackage.objects.count() == 1
    # Refused by central: no longer in flight, the next one may be made.
    first.state = OutboxState.REFUSED
    first.save()
    response = client.post("/upt/LP3301/kirim/", {}, follow=True)
    assert "masuk antrean kirim" in response.content.decode()
    assert OutboxPackage.objects.count() == 2
    clear_url_caches()


@pytest.mark.django_db
def test_no_package_without_central_reference_data(node, world):
    NodeReference.objects.all().delete()
    with pytest.raises(NotReadyToSend, match="data acuan"):
        outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    assert not OutboxPackage.objects.exists()


@pytest.mark.django_db
def test_only_the_upt_operators_enqueue(node, world):
    from django.core.exceptions import PermissionDenied

    for who in (world.operator_b, world.monitor_x, world.central, world.admin):
        with pytest.raises(PermissionDenied):
            outbox_enqueue(user=who, upt=world.upt_a)
    assert not OutboxPackage.objects.exists()


# --- Retry and backoff -----------------------------------------------------------------------------------


def test_backoff_doubles_to_the_cap_and_honours_retry_after(settings):
    settings.SDP_NODE_RETRY_FIRST_SECONDS, settings.SDP_NODE_RETRY_MAX_SECONDS = 30, 1800
    assert [retry_delay(n, jitter=1.0).total_seconds() for n in (1, 2, 3, 7, 8, 50)] == [30, 60, 120, 1800, 1800, 1800]
    assert 24 <= retry_delay(1).total_seconds() <= 36  # ±20 % jitter
    assert retry_delay(1, retry_after=300, jitter=1.0).total_seconds() == 300
    assert retry_delay(3, retry_after=5, jitter=1.0).total_seconds() == 120


@pytest.mark.django_db
def test_central_unreachable_keeps_the_package_and_retries_later(node, world, client_for, settings, caplog):
    settings.SDP_CENTRAL_URL = closed_port_url()
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    start = timezone.now()
    assert outbox_deliver_due(now=start) == 0
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("waiting", 1)
    assert "Connection refused" in caplog.text  # the technical detail, for whoever reads the log
    assert timedelta(seconds=24) <= item.next_attempt_at - start <= timedelta(seconds=37)
    # The operator's sentence, in Indonesian; the system's own words ("[Errno 111] Connection refused") are
    # for the log, and the retry time is said once, by the page.
    assert item.last_error == FAILURE_SENTENCES["refused"]

    assert outbox_deliver_due(now=start + timedelta(seconds=5)) == 0  # not due yet: not tried
    item.refresh_from_db()
    assert item.attempts == 1
    outbox_deliver_due(now=item.next_attempt_at + timedelta(seconds=1))
    item.refresh_from_db()
    second_wait = item.next_attempt_at - timezone.now()
    assert item.attempts == 2 and timedelta(seconds=45) <= second_wait <= timedelta(seconds=73)

    settings.ROOT_URLCONF = "sdp_project.urls_node"
    clear_url_caches()
    page = client_for(world.operator_a).get("/upt/LP3301/kiriman/").content.decode()
    assert "menunggu" in page and "Percobaan berikutnya" in page and "WIB" in page
    assert "Errno" not in page and "refused" not in page.lower()
    when = show_datetime(item.next_attempt_at, zone=True)
    # The retry time said once, by its own sentence (the package's creation time in the first column may
    # fall in the same minute).
    assert page.count(f"Percobaan berikutnya: {when}.") == 1 and page.count("Percobaan berikutnya") == 1
    assert "dicoba lagi pada" not in page
    assert "Coba kirim sekarang" in page
    clear_url_caches()


@pytest.mark.django_db
def test_a_package_left_sending_by_a_dead_worker_is_taken_up_after_its_lease(node, world, settings):
    settings.SDP_CENTRAL_URL = closed_port_url()
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    OutboxPackage.objects.filter(pk=item.pk).update(
        state=OutboxState.SENDING, next_attempt_at=timezone.now() + timedelta(minutes=10)
    )
    outbox_deliver_due()
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("sending", 0)  # its worker may still be sending
    outbox_deliver_due(now=timezone.now() + timedelta(minutes=11))
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("waiting", 1)


# --- Delivery to a real central (live_server) --------------------------------------------------------------


@pytest.fixture
def central(node, world, live_server, settings):
    """live_server as central, UPT A registered there as a node with its credential."""
    _user, token = node_credential_issue(actor=world.admin, upt=world.upt_a)
    settings.SDP_CENTRAL_URL = live_server.url
    settings.SDP_NODE_TOKEN = token
    return live_server


@pytest.mark.django_db(transaction=True)
def test_delivered_to_central_then_a_delta_and_never_twice(central, world):
    PersonFactory(upt=world.upt_a, reg_number="AIII/001/2026")
    first = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    # Delivery was queued when the package was committed (upt.deliver_outbox; eager in tests): sent already.
    assert outbox_deliver_due() == 0
    first.refresh_from_db()
    assert first.state == "delivered" and first.delivered_at and first.attempts == 1
    assert first.answer["next_package"] == {"kind": "delta", "reason": ""}
    submission = Submission.objects.get(package_id=first.package_id)
    assert (submission.kind, submission.channel, submission.person_count) == ("full", "api", 1)
    assert submission.sent_by.username == "node-lp3301"

    PersonFactory(upt=world.upt_a, reg_number="AIII/002/2026")
    second = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    assert second.kind == "delta"
    second.refresh_from_db()
    assert second.state == "delivered" and not second.answer["drift_detected"]
    assert Submission.objects.get(package_id=second.package_id).person_count == 1

    # The answer was lost on the way back: the node sends the same package again; central answers 200 with
    # the original result and stores nothing twice.
    OutboxPackage.objects.filter(pk=second.pk).update(state=OutboxState.WAITING, next_attempt_at=timezone.now())
    assert outbox_deliver_due() == 1
    second.refresh_from_db()
    assert second.state == "delivered" and second.attempts == 2
    assert Submission.objects.filter(package_id=second.package_id).count() == 1
    assert Submission.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_package_central_refuses_shows_its_reasons(central, world, client_for, settings):
    type(world.upt_a).objects.filter(pk=world.upt_a.pk).update(is_active=False)  # central refuses (400)
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    outbox_deliver_due()
    item.refresh_from_db()
    assert item.state == "refused" and item.next_attempt_at is None and item.attempts == 1
    assert "Paket ditolak pusat (HTTP 400)" in item.last_error
    assert outbox_reasons(item) == ["upt_code: UPT LP3301 tidak aktif."]
    assert not Submission.objects.exists()
    type(world.upt_a).objects.filter(pk=world.upt_a.pk).update(is_active=True)

    settings.ROOT_URLCONF = "sdp_project.urls_node"
    clear_url_caches()
    page = client_for(world.operator_a).get("/upt/LP3301/kiriman/").content.decode()
    assert "ditolak pusat" in page and "UPT LP3301 tidak aktif." in page
    clear_url_caches()


@pytest.mark.django_db(transaction=True)
def test_a_credential_central_refuses(central, world, settings):
    settings.SDP_NODE_TOKEN = "bukan-token-yang-sah"
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    outbox_deliver_due()
    item.refresh_from_db()
    assert item.state == "refused" and item.last_error.startswith("Kredensial node ditolak pusat")
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_central_busy_503_is_retried_no_sooner_than_its_retry_after(node, world):
    """A 503 with Retry-After (central parsing another package) waits at least that long, whatever the backoff."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Busy(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"detail": "Server sedang mengurai paket lain."}'
            self.send_response(503)
            self.send_header("Retry-After", "600")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        node.SDP_CENTRAL_URL = f"http://127.0.0.1:{server.server_address[1]}"
        item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
        before = timezone.now()
        outbox_deliver_due(now=before)
    finally:
        server.shutdown()
        server.server_close()
    item.refresh_from_db()
    assert item.state == "waiting" and item.attempts == 1
    assert item.next_attempt_at - before >= timedelta(seconds=600)
    assert "HTTP 503" in item.last_error and "mengurai paket lain" in item.last_error
    assert item.last_error.startswith("Server pusat sedang tidak tersedia")  # central's own sentence follows


@pytest.mark.django_db
def test_the_scheduled_daily_send_is_a_system_action(node, world, settings):
    from upt.tasks import node_scheduled_send

    settings.SDP_CENTRAL_URL = closed_port_url()
    package_id = node_scheduled_send()
    item = OutboxPackage.objects.get()
    assert str(item.package_id) == package_id and item.created_by is None and item.kind == "full"
    assert node_scheduled_send() == "skipped"  # the first is still in flight
    assert OutboxPackage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_take_the_same_package(node, world, settings):
    """While one worker holds an item's row (claiming it), another skips it instead of sending it too."""
    import threading

    from django.db import connection, transaction

    from upt.node.outbox import _claim

    settings.SDP_CENTRAL_URL = closed_port_url()
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)  # its on-commit delivery fails: waiting
    OutboxPackage.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
    held, release, seen = threading.Event(), threading.Event(), {}

    def other_worker():
        try:
            with transaction.atomic():
                OutboxPackage.objects.select_for_update().get(pk=item.pk)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert held.wait(30)
    try:
        seen["claimed"] = _claim(timezone.now())
    finally:
        release.set()
        thread.join()
    assert seen["claimed"] is None
    claimed = _claim(timezone.now())  # once the other lets go, it is taken
    assert claimed is not None and claimed.pk == item.pk and claimed.state == "sending"
