"""A node's pages as its operator reads them: failures to reach central said in Indonesian (one mapping in the
client), no link to a page the node does not serve, the admin link only for the node's admin."""

from __future__ import annotations

import re
import socket
import ssl
import struct
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

from central import package as pkg
from tests.factories import PersonFactory
from upt.node.client import FAILURE_SENTENCES, CentralClient, CentralUnreachable, _failure_kind, failure_sentence
from upt.node.outbox import outbox_deliver_due, outbox_enqueue
from upt.node.records import NodeReference
from upt.node.views import not_at_node

NODE_URLS = "sdp_project.urls_node"


@pytest.fixture
def node(settings):
    settings.SDP_MODE = "upt"
    settings.SDP_UPT_CODE = "LP3301"
    settings.ROOT_URLCONF = NODE_URLS
    settings.SDP_NODE_TIMEOUT = 10
    clear_url_caches()
    yield settings
    clear_url_caches()


# --- The operator's sentence for each failure -----------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "refused"),
        (ConnectionResetError(104, "Connection reset by peer"), "reset"),
        (urllib.error.URLError(ConnectionResetError(104, "Connection reset by peer")), "reset"),
        (urllib.error.URLError(BrokenPipeError(32, "Broken pipe")), "reset"),
        (TimeoutError("timed out"), "timeout"),
        (urllib.error.URLError(TimeoutError("timed out")), "timeout"),
        (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "dns"),
        (urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed")), "tls"),
        (urllib.error.URLError(OSError(113, "No route to host")), "network"),
    ],
)
def test_each_failure_kind_has_an_indonesian_sentence_without_the_system_words(exc, kind):
    assert _failure_kind(exc) == kind
    sentence = failure_sentence(kind)
    assert sentence == FAILURE_SENTENCES[kind] and sentence.endswith(".")
    for english in ("Errno", "refused", "reset", "timed out", "Name or service", "certificate", "route"):
        assert english not in sentence


@pytest.mark.parametrize(
    ("status", "start"),
    [
        (503, "Server pusat sedang tidak tersedia"),
        (429, "Server pusat sedang sibuk"),
        (502, "Server pusat sedang mengalami gangguan"),
    ],
)
def test_a_retryable_status_is_said_with_its_number(status, start):
    message = CentralUnreachable(
        f"HTTP {status}", status=status, kind={503: "unavailable", 429: "busy"}.get(status, "http")
    ).operator_message()
    assert message.startswith(start) and f"(HTTP {status})." in message


def _resetting_server() -> tuple[socket.socket, int]:
    """A server that accepts and answers with a TCP reset (SO_LINGER 0): "connection reset by peer"."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve():
        while True:
            try:
                conn, _addr = server.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


@pytest.mark.django_db
def test_a_cut_connection_reads_as_a_sentence_on_the_outbox_page_and_the_detail_goes_to_the_log(
    node, world, client_for, caplog
):
    NodeReference.objects.update_or_create(
        pk=1, defaults={"version": "uji", "package_format_version": pkg.FORMAT_VERSION}
    )
    PersonFactory(upt=world.upt_a)
    server, port = _resetting_server()
    try:
        node.SDP_CENTRAL_URL = f"http://127.0.0.1:{port}"
        item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
        outbox_deliver_due()
    finally:
        server.close()
    item.refresh_from_db()
    assert item.state == "waiting"
    assert item.last_error == FAILURE_SENTENCES["reset"]
    assert "reset" in caplog.text.lower() or "broken pipe" in caplog.text.lower()
    page = client_for(world.operator_a).get("/upt/LP3301/kiriman/").content.decode()
    assert "sambungan terputus di tengah pengiriman" in page and "Errno" not in page and "peer" not in page
    assert page.count("Percobaan berikutnya") == 1


def test_get_json_sends_the_headers_it_is_given():
    """The reference sync asks with If-None-Match through the public ``get_json``."""
    seen: dict[str, str] = {}

    class NotModified(BaseHTTPRequestHandler):
        def do_GET(self):
            seen["etag"] = self.headers.get("If-None-Match", "")
            self.send_response(304)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), NotModified)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = CentralClient(f"http://127.0.0.1:{server.server_address[1]}", "t", timeout=10)
        status, _data = client.get_json("/api/v1/reference/", headers={"If-None-Match": '"v1"'})
    finally:
        server.shutdown()
        server.server_close()
    assert status == 304 and seen["etag"] == '"v1"'


# --- Links and the admin -----------------------------------------------------------------------------------


def _pages(world) -> list[str]:
    person = PersonFactory(upt=world.upt_a)
    code = world.upt_a.code
    return [
        "/upt/",
        f"/upt/{code}/",
        f"/upt/{code}/wbp/",
        f"/upt/{code}/wbp/baru/",
        f"/upt/{code}/wbp/{person.pk}/",
        f"/upt/{code}/wbp/{person.pk}/ubah/",
        f"/upt/{code}/wbp/{person.pk}/mutasi/",
        f"/upt/{code}/wbp/{person.pk}/remisi/",
        f"/upt/{code}/mutasi-masuk/",
        f"/upt/{code}/kirim/",
        f"/upt/{code}/kiriman/",
        f"/upt/{code}/koreksi/",
        "/akun/sandi/",
        "/akun/token/",
    ]


@pytest.mark.django_db
def test_every_link_on_a_node_page_goes_to_a_page_the_node_serves(node, world, client_for):
    NodeReference.objects.update_or_create(
        pk=1, defaults={"version": "uji", "package_format_version": pkg.FORMAT_VERSION}
    )
    client = client_for(world.operator_a)
    checked = 0
    for page in _pages(world):
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        html = response.content.decode()
        for href in re.findall(r'<a\b[^>]*\bhref="([^"#?]*)', html):
            if not href.startswith("/"):
                continue
            try:
                match = resolve(href, urlconf=NODE_URLS)
            except Resolver404:
                pytest.fail(f"{page} links to {href}, which a node does not route")
            assert match.func is not not_at_node, f"{page} links to {href}, which a node does not serve"
            checked += 1
    assert checked > 30
    assert "Unggah berkas paket" not in client.get(f"/upt/{world.upt_a.code}/koreksi/").content.decode()


@pytest.mark.django_db
def test_the_admin_link_at_a_node_is_for_the_node_admin_alone(node, world, client_for):
    assert world.operator_a.is_staff  # at central every role works in the admin too
    operator_page = client_for(world.operator_a).get("/upt/LP3301/").content.decode()
    assert 'href="/admin/"' not in operator_page
    admin_page = client_for(world.admin).get("/upt/").content.decode()
    assert 'href="/admin/"' in admin_page


@pytest.mark.django_db
def test_the_admin_link_at_central_stays_for_every_role(world, client_for):
    assert 'href="/admin/"' in client_for(world.operator_a).get(f"/upt/{world.upt_a.code}/").content.decode()


@pytest.mark.django_db
def test_trying_again_now_with_central_down_says_the_next_attempt_once(node, world, client_for):
    NodeReference.objects.update_or_create(
        pk=1, defaults={"version": "uji", "package_format_version": pkg.FORMAT_VERSION}
    )
    PersonFactory(upt=world.upt_a)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        node.SDP_CENTRAL_URL = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens: refused
    item = outbox_enqueue(user=world.operator_a, upt=world.upt_a)
    response = client_for(world.operator_a).post(f"/upt/LP3301/kirim/outbox/{item.package_id}/", follow=True)
    page = response.content.decode()
    assert "Paket belum terkirim. Server pusat tidak dapat dihubungi: sambungan ditolak" in page
    assert page.count("Percobaan berikutnya") == 1 and "Errno" not in page
