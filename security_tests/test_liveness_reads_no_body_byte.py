"""A liveness check reads the response head and not one byte of the body, even when the server sends
both in one packet (issue 15, item 6).

Before: the check read 4 KiB at a time, so a body that came in the same segment as the headers was
read into memory, up to about 4 KiB of it.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest

from enrichment import liveness, netguard

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 3000\r\nServer: OnePacket/1.0\r\n\r\n"
BODY = b"\xff\xd8BODYBYTE" * 300


class OnePacketServer:
    """Answers every request with its head and body written in a single send()."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent_in_one_call: list[int] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(10)
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sent_in_one_call.append(conn.send(self.head + BODY))
                with contextlib.suppress(OSError):
                    conn.recv(1)  # until the client closes

    def stop(self) -> None:
        self.listener.close()


@pytest.fixture
def one_packet_server(monkeypatch, settings):
    monkeypatch.setattr(netguard, "TEST_LOOPBACK_ONLY", True)
    servers = []

    def start(head: bytes = HEAD) -> OnePacketServer:
        server = OnePacketServer(head)
        servers.append(server)
        settings.CHECK_ALLOW_PORTS = [server.port]
        settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
        settings.CHECK_PROXY_URL = ""
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def received(monkeypatch):
    """Every byte handed to Python by the sockets that connect to a port: the check's side only."""
    got: list[tuple[int, bytes]] = []
    original = socket.socket.recv

    def recv(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        got.append((self.getpeername()[1], data))
        return data

    monkeypatch.setattr(socket.socket, "recv", recv, raising=False)
    return lambda port: b"".join(data for peer_port, data in got if peer_port == port)


def test_a_check_reads_exactly_the_head_when_the_body_comes_in_the_same_packet(one_packet_server, received):
    server = one_packet_server()

    result = liveness.check_url(f"http://127.0.0.1:{server.port}/photo.jpg")

    assert server.sent_in_one_call == [len(HEAD) + len(BODY)]
    assert (result.outcome, result.status, result.server) == ("ok", 200, "OnePacket/1.0")
    assert received(server.port) == HEAD
    assert result.bytes_read == len(HEAD)


def test_a_head_ending_in_bare_newlines_is_read_to_its_end_and_no_further(one_packet_server, received):
    head = HEAD.replace(b"\r\n", b"\n")
    server = one_packet_server(head)

    result = liveness.check_url(f"http://127.0.0.1:{server.port}/")

    assert (result.outcome, result.status) == ("ok", 200)
    assert received(server.port) == head
