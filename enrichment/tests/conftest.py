"""Liveness tests never send a packet off loopback.

`netguard.TEST_LOOPBACK_ONLY` makes the connection layer raise (uncaught) on
any address outside loopback and stops `netguard.resolve` from querying DNS;
names reach addresses through fake resolvers instead. Blocking decisions for
real-world addresses are tested on the decision itself, before any dial.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from enrichment import netguard
from testsupport.loopback import LoopbackServer, Reply, Request


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch, settings) -> None:
    monkeypatch.setattr(netguard, "TEST_LOOPBACK_ONLY", True)
    # Whatever the developer's environment says, tests start from the production rules.
    settings.CHECK_ALLOW_PORTS = []
    settings.CHECK_ALLOW_NETWORKS = []
    settings.CHECK_PROXY_URL = ""


@pytest.fixture
def serve(settings) -> Iterator[Callable[..., LoopbackServer]]:
    """Start a loopback server answering with `handler`; its port and 127.0.0.0/8 become allowed."""
    servers: list[LoopbackServer] = []

    def start(handler: Callable[[Request], Reply], **kwargs) -> LoopbackServer:
        server = LoopbackServer(handler, **kwargs).start()
        servers.append(server)
        settings.CHECK_ALLOW_PORTS = [*settings.CHECK_ALLOW_PORTS, server.port]
        settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
        return server

    yield start
    for server in servers:
        server.stop()
