"""The link proxy the node's fault tests stand on: each mode does to real sockets what it says."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devtools.netproxy import NetProxy, TokenBucket


class _Recorder(BaseHTTPRequestHandler):
    """A tiny HTTP server that stores every body it read whole, and answers with its length."""

    received: list[bytes]

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away midway: nothing stored, as a real server does
            return
        self.server.received.append(body)
        answer = f"stored {len(body)}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        answer = b"x" * 64_000
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def target():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(target):
    with NetProxy("127.0.0.1", target.server_address[1]) as proxy:
        yield proxy


def _post(proxy: NetProxy, path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=20)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_pass_forwards_request_and_answer(proxy, target):
    status, answer = _post(proxy, "/paket/", b"a" * 100_000)
    assert (status, answer) == (200, b"stored 100000")
    assert target.received == [b"a" * 100_000]
    # Each pump counts a chunk after handing it on, so the client can hold the answer a moment before the
    # proxy has counted it: wait (bounded) for the counters rather than read them at once.
    assert _eventually(lambda: proxy.stats.bytes_up > 100_000 and proxy.stats.bytes_down > 0)


def _eventually(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_echo_over_raw_tcp_both_ways():
    """A raw echo server: bytes come back in order through both pumps."""
    listener = socket.create_server(("127.0.0.1", 0))

    def echo():
        conn, _ = listener.accept()
        with conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    threading.Thread(target=echo, daemon=True).start()
    proxy = NetProxy("127.0.0.1", listener.getsockname()[1]).start()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        payload = bytes(range(256)) * 200
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        back = b""
        while data := sock.recv(4096):
            back += data
    proxy.stop()
    listener.close()
    assert back == payload


def test_down_refuses_then_pass_serves_again(proxy, target):
    proxy.set_down()
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        _post(proxy, "/paket/", b"b" * 10)
    assert target.received == [] and proxy.stats.refused >= 1
    proxy.set_pass()
    assert _post(proxy, "/paket/", b"b" * 10) == (200, b"stored 10")


def test_cut_after_drops_the_upload_midway_once(proxy, target):
    proxy.set_cut_after(50_000)
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        _post(proxy, "/paket/", b"c" * 200_000)
    assert proxy.stats.cuts == 1
    assert target.received == []  # the target never read a whole body
    assert proxy.mode == "pass"  # one-shot: the retry goes through
    assert _post(proxy, "/paket/", b"c" * 200_000) == (200, b"stored 200000")


def test_cut_after_with_match_leaves_other_requests_alone(proxy, target):
    proxy.set_cut_after(1_000, match=b"POST /api/v1/submissions/")
    assert _post(proxy, "/api/v1/reference/", b"r" * 5_000) == (200, b"stored 5000")
    assert proxy.armed
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        _post(proxy, "/api/v1/submissions/", b"s" * 5_000)
    assert proxy.stats.cuts == 1 and target.received == [b"r" * 5_000]


def test_drop_response_loses_the_answer_after_the_target_stored(proxy, target):
    proxy.set_drop_response()
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead, OSError)):
        _post(proxy, "/paket/", b"d" * 30_000)
    assert target.received == [b"d" * 30_000]  # stored, though the client never heard
    assert proxy.stats.dropped_responses == 1
    assert _post(proxy, "/paket/", b"e") == (200, b"stored 1")


def test_throttle_limits_the_rate(proxy, target):
    """64 kB answered through a 32,000 B/s link: the bucket made the answer wait its arithmetic (no clock read)."""
    proxy.set_throttle(32_000)
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
    conn.request("GET", "/besar/")
    body = conn.getresponse().read()
    conn.close()
    assert len(body) == 64_000
    assert proxy._bucket_down.waited >= (64_000 - proxy._bucket_down.capacity) / 32_000 * 0.99


class _FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_never_exceeds_its_rate():
    clock = _FakeClock()
    bucket = TokenBucket(100_000, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        bucket.take(10_000)
    # 300,000 bytes at 100,000 B/s with a 10,000-byte burst: 2.9 s of (fake) time, no less.
    assert clock.now == pytest.approx(2.9)
    bucket.take(250_000)  # a write larger than the burst is paid in installments
    assert clock.now == pytest.approx(5.4)


def test_a_cut_on_a_throttled_line_leaves_it_throttled(proxy, target):
    proxy.set_throttle(200_000)
    proxy.set_cut_after(20_000)
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        _post(proxy, "/paket/", b"t" * 50_000)
    assert proxy.stats.cuts == 1 and proxy.mode == "throttle" and proxy.rate == 200_000
    assert _post(proxy, "/paket/", b"t" * 50_000) == (200, b"stored 50000")
    assert proxy._bucket_up.waited > 0  # the retry went through the bucket
    proxy.set_pass()
    assert proxy.rate == 0 and proxy.mode == "pass"
