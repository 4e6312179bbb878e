"""A small HTTP server on 127.0.0.1 that tells tests what it received and how much it managed to send.

Written on raw sockets rather than http.server so a test can count every byte
sent, send a body even after HEAD (as a hostile server may), hang, or trickle.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from enrichment import netguard

MIB = 1024 * 1024
# A small send buffer, so "sent" means close to "the client received", not "queued in our kernel".
SERVER_SEND_BUFFER = 4096


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]  # lower-cased names
    raw: bytes
    sni: str | None = None


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Iterable[bytes] = ()
    hang: bool = False  # accept the request, then say nothing
    trickle: float = 0.0  # seconds between bytes of the head, for a slow server
    raw_head: bytes | None = None  # sent instead of a well-formed head


@dataclass
class Connection:
    request: Request | None = None
    bytes_sent: int = 0
    closed_by_client: bool = False
    tls_error: str | None = None


def big_jpeg(size: int = 50 * MIB, chunk: int = 16 * 1024) -> Iterable[bytes]:
    """A body of `size` bytes made on the fly: never held in memory."""
    yield b"\xff\xd8\xff\xe0"
    sent = 4
    block = b"\x00" * chunk
    while sent < size:
        piece = block[: min(chunk, size - sent)]
        sent += len(piece)
        yield piece


class LoopbackServer:
    def __init__(self, handler: Callable[[Request], Reply], *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.connections: list[Connection] = []
        self._done = threading.Condition()
        self._finished = 0
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SERVER_SEND_BUFFER)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    @property
    def requests(self) -> list[Request]:
        return [c.request for c in self.connections if c.request is not None]

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()

    def wait_finished(self, count: int, timeout: float = 3.0) -> None:
        """Wait until `count` connections have been fully handled (so their byte counts are final)."""
        with self._done:
            if not self._done.wait_for(lambda: self._finished >= count, timeout=timeout):
                raise AssertionError(f"only {self._finished} of {count} connection(s) finished")

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            record = Connection()
            self.connections.append(record)
            threading.Thread(target=self._serve, args=(conn, record), daemon=True).start()

    def _serve(self, conn: socket.socket, record: Connection) -> None:
        try:
            self._handle(conn, record)
        finally:
            conn.close()
            with self._done:
                self._finished += 1
                self._done.notify_all()

    def _handle(self, conn: socket.socket, record: Connection) -> None:
        conn.settimeout(5)
        sni: list[str | None] = [None]
        if self.tls is not None:
            self.tls.sni_callback = lambda _sock, name, _ctx: sni.__setitem__(0, name)
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                record.tls_error = str(exc)
                return
        request = _read_request(conn)
        if request is None:
            return
        request.sni = sni[0]
        record.request = request
        reply = self.handler(request)
        if reply.hang:
            self._stop.wait(10)
            return
        head = reply.raw_head if reply.raw_head is not None else _head(reply)
        try:
            if reply.trickle:
                for i in range(len(head)):
                    record.bytes_sent += conn.send(head[i : i + 1])
                    time.sleep(reply.trickle)
            else:
                _send_counted(conn, head, record)
            for chunk in reply.body:
                _send_counted(conn, chunk, record)
        except OSError:
            # The client closed with our bytes unread: the reset we are looking for.
            record.closed_by_client = True


def _send_counted(conn: socket.socket, data: bytes, record: Connection) -> None:
    view = memoryview(data)
    while view:
        sent = conn.send(view)
        record.bytes_sent += sent
        view = view[sent:]


def _head(reply: Reply) -> bytes:
    lines = [f"HTTP/1.1 {reply.status} Whatever"] + [f"{name}: {value}" for name, value in reply.headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        if not data[:1].isalpha():
            # Not HTTP (a TLS ClientHello, say): answer at once, as a plain HTTP server would.
            return Request(method="", target="", headers={}, raw=data)
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    request_line, *header_lines = head.split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method=method, target=target, headers=headers, raw=data)


def answers(table: dict[str, list[str]]) -> netguard.Resolver:
    """A resolver with fixed answers and no DNS traffic; any other name has none."""

    def resolve(host: str) -> list[netguard.IPAddress]:
        if host not in table:
            raise netguard.DnsError(f"no DNS answer for {host}")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve
