"""A small TCP proxy on loopback that plays a weak link between a UPT node and central.

The node's faults (issue "A UPT node") are about the network, not the code: central unreachable, a connection
cut in the middle of an upload, a response lost after central stored the package, a slow line. Mocking the
HTTP client would test the mock; this proxy sits between two real servers instead and changes its behaviour at
runtime, so a test or a bench switches the link while the node's worker is sending through it.

Modes (``NetProxy.mode``):

* ``pass`` — bytes go through unchanged;
* ``down`` — new connections are refused (closed at once) and open ones are closed: central is down;
* ``throttle`` — each direction is limited to ``rate`` bytes/s by a token bucket shared by all connections
  (256 kbit/s is 32,000 B/s); the limit stays while a one-shot fault below is armed (a slow line that also
  drops), until ``set_pass``;
* ``cut_after`` — once ``n`` bytes of a request went through, the connection is dropped (an upload cut
  midway); one-shot by default, then the proxy passes again;
* ``drop_response`` — the request reaches the target whole, and the client's side is closed as soon as the
  target's answer starts: the target did the work, the client never learns it; one-shot by default.

``cut_after`` and ``drop_response`` may be limited to requests whose first bytes contain ``match`` (e.g.
``b"POST /api/v1/submissions/"``), so a reference fetch on the same link is left alone.

Standard library only (socket, threading); one thread per direction and connection, which is plenty for
the handful of connections a test makes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

CHUNK = 16 * 1024


class TokenBucket:
    """``rate`` bytes per second with a burst of a tenth of a second (at least one small chunk)."""

    def __init__(self, rate: int, *, clock=time.monotonic, sleep=time.sleep):
        self.rate = rate
        self.capacity = max(rate / 10, 1024)
        self.tokens = self.capacity
        self.clock, self.sleep = clock, sleep
        self.stamp = clock()
        self.waited = 0.0  # seconds of waiting the bucket imposed (what a test checks, not the wall clock)
        self.lock = threading.Lock()

    def take(self, n: int) -> None:
        """Block until ``n`` bytes may pass (bytes larger than the burst are paid for in installments)."""
        while n > 0:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                step = min(n, self.capacity)
                if self.tokens >= step - 1e-6:  # float rounding must not leave a sliver to wait for
                    self.tokens -= step
                    n -= step
                    wait = 0.0
                else:
                    wait = (step - self.tokens) / self.rate
            if wait:
                self.waited += wait
                self.sleep(wait)


@dataclass
class Stats:
    """What went through: a test asserts a fault actually happened, not just that it was asked for."""

    accepted: int = 0
    refused: int = 0
    cuts: int = 0
    dropped_responses: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)


class _Connection:
    """One client connection and its upstream socket."""

    def __init__(self, proxy: NetProxy, client: socket.socket, upstream: socket.socket):
        self.proxy, self.client, self.upstream = proxy, client, upstream
        self.request_bytes = 0  # bytes of the current request forwarded (reset when an answer starts)
        self.request_matches = False
        self.answer_started = False
        self.closed = threading.Event()

    def close(self, *, reset: bool = False) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                if reset:  # an abrupt end (RST), as a dropped line looks to the client
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        self.proxy._forget(self)

    def start(self) -> None:
        threading.Thread(target=self._up, daemon=True, name="netproxy-up").start()
        threading.Thread(target=self._down, daemon=True, name="netproxy-down").start()

    def _up(self) -> None:
        """Client → target: the request, where ``cut_after`` counts and ``match`` is looked for."""
        proxy = self.proxy
        try:
            while not self.closed.is_set():
                data = self.client.recv(CHUNK)
                if not data:
                    with contextlib.suppress(OSError):
                        self.upstream.shutdown(socket.SHUT_WR)
                    return
                if self.answer_started or self.request_bytes == 0:  # a new request on this connection
                    self.answer_started = False
                    self.request_bytes = 0
                    self.request_matches = proxy.match is None or proxy.match in data[:1024]
                mode = proxy.mode
                if mode == "cut_after" and self.request_matches:
                    room = proxy.cut_bytes - self.request_bytes
                    if len(data) >= room and proxy._spend():
                        if room > 0:
                            self.upstream.sendall(data[:room])
                            proxy.stats.add("bytes_up", room)
                        proxy.stats.add("cuts")
                        self.close(reset=True)
                        return
                if proxy.rate:
                    proxy._bucket_up.take(len(data))
                self.upstream.sendall(data)
                self.request_bytes += len(data)
                proxy.stats.add("bytes_up", len(data))
        except OSError:
            pass
        finally:
            if self.proxy.mode == "down":
                self.close()

    def _down(self) -> None:
        """Target → client: the answer, which ``drop_response`` loses once the target has produced it."""
        proxy = self.proxy
        try:
            while not self.closed.is_set():
                data = self.upstream.recv(CHUNK)
                if not data:
                    self.close()
                    return
                self.answer_started = True
                if proxy.mode == "drop_response" and self.request_matches and proxy._spend():
                    proxy.stats.add("dropped_responses")
                    self.close(reset=True)
                    return
                if proxy.rate:
                    proxy._bucket_down.take(len(data))
                self.client.sendall(data)
                proxy.stats.add("bytes_down", len(data))
        except OSError:
            self.close()


class NetProxy:
    """``with NetProxy("127.0.0.1", 8000) as proxy:`` — ``proxy.url`` in front of the target."""

    def __init__(self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1", listen_port: int = 0):
        self.target = (target_host, target_port)
        self.listen = (listen_host, listen_port)
        self.mode = "pass"
        self.match: bytes | None = None
        self.cut_bytes = 0
        self.rate = 0
        self.remaining: int | None = None  # one-shot faults: how many more times; None is every time
        self.stats = Stats()
        self._lock = threading.Lock()
        self._connections: set[_Connection] = set()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._bucket_up = self._bucket_down = TokenBucket(1)

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> NetProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(self.listen)
        server.listen(64)
        server.settimeout(0.2)
        self._server = server
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="netproxy-accept")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self._server:
            self._server.close()
        self._close_all()

    def __enter__(self) -> NetProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return self._server.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{self.listen[0]}:{self.port}"

    # --- modes ----------------------------------------------------------------------------------------------
    def set_pass(self) -> None:
        self.rate = 0
        self._set("pass")

    def set_down(self) -> None:
        self.rate = 0
        self._set("down")
        self._close_all()

    def set_throttle(self, bytes_per_second: int) -> None:
        self.rate = bytes_per_second
        self._bucket_up, self._bucket_down = TokenBucket(bytes_per_second), TokenBucket(bytes_per_second)
        self._set("throttle")

    def set_cut_after(self, n_bytes: int, *, times: int | None = 1, match: bytes | None = None) -> None:
        self.cut_bytes = n_bytes
        self._set("cut_after", times=times, match=match)

    def set_drop_response(self, *, times: int | None = 1, match: bytes | None = None) -> None:
        self._set("drop_response", times=times, match=match)

    def _set(self, mode: str, *, times: int | None = None, match: bytes | None = None) -> None:
        with self._lock:
            self.remaining, self.match, self.mode = times, match, mode

    def _spend(self) -> bool:
        """Use one shot of a one-shot fault; the last one puts the link back to ``pass``."""
        with self._lock:
            if self.remaining is None:
                return True
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            if self.remaining == 0:
                self.mode, self.match = ("throttle" if self.rate else "pass"), None
            return True

    @property
    def armed(self) -> bool:
        """A one-shot fault still waiting for its request."""
        return self.mode in ("cut_after", "drop_response")

    # --- internals ------------------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.mode == "down":
                self.stats.add("refused")
                with contextlib.suppress(OSError):
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                self.stats.add("refused")
                continue
            client.settimeout(None)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(self, client, upstream)
            with self._lock:
                self._connections.add(connection)
            self.stats.add("accepted")
            connection.start()

    def _forget(self, connection: _Connection) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _close_all(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            connection.close(reset=True)
