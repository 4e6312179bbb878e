"""With CHECK_PROXY_URL, checks tunnel through the proxy to the very address that was judged."""

from __future__ import annotations

import socket
import threading

import pytest

from enrichment.liveness import check_url
from testsupport.loopback import Reply, answers


class ConnectProxy:
    """A one-connection-at-a-time CONNECT proxy on loopback that records what it was asked."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.refuse = refuse
        self.asked: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            with client:
                self.tunnel(client)

    def tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(4096)
        request_line = head.split(b"\r\n", 1)[0].decode()
        self.asked.append(request_line)
        if self.refuse:
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = request_line.split()[1].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=2) as upstream:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            upstream.sendall(client.recv(4096))
            client.sendall(upstream.recv(4096))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=2)
        self.listener.close()


@pytest.fixture
def proxy(settings):
    started = []

    def start(**kwargs):
        running = ConnectProxy(**kwargs)
        started.append(running)
        settings.CHECK_PROXY_URL = f"http://127.0.0.1:{running.port}"
        return running

    yield start
    for running in started:
        running.stop()


def test_it_tunnels_to_the_checked_address_and_sends_the_name_inside(serve, proxy):
    server = serve(lambda request: Reply(200, [("Content-Type", "image/jpeg")]))
    running = proxy()

    result = check_url(f"http://site.test:{server.port}/", resolver=answers({"site.test": ["127.0.0.1"]}))

    assert (result.outcome, result.status, result.content_type) == ("ok", 200, "image/jpeg")
    assert running.asked == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1"]
    assert server.requests[0].headers["host"] == f"site.test:{server.port}"


def test_it_never_asks_the_proxy_for_a_refused_address(proxy):
    running = proxy()

    result = check_url("http://10.0.0.1/")

    assert result.outcome == "blocked"
    assert running.asked == []


def test_it_reports_a_proxy_that_refuses_the_tunnel(serve, proxy):
    server = serve(lambda request: Reply(200))
    proxy(refuse=True)

    result = check_url(server.url())

    assert (result.outcome, result.error) == ("error", "proxy refused the tunnel (403)")
