"""A check always ends: per-step timeouts and a deadline for the whole check."""

from __future__ import annotations

import socket

from enrichment.liveness import check_url
from testsupport.loopback import Reply


def test_it_gives_up_on_a_server_that_never_answers(serve, settings):
    settings.CHECK_READ_TIMEOUT = 0.3
    server = serve(lambda request: Reply(hang=True))

    result = check_url(server.url())

    assert (result.outcome, result.error) == ("error", "read timeout (0.3 s)")
    assert result.elapsed_ms < 2000


def test_it_gives_up_on_a_trickling_server_at_the_deadline(serve, settings):
    # Each byte comes well within the read timeout; only the deadline stops it.
    settings.CHECK_TOTAL_TIMEOUT = 0.5
    server = serve(lambda request: Reply(200, [("X-Slow", "a" * 200)], trickle=0.05))

    result = check_url(server.url())

    assert (result.outcome, result.error) == ("error", "check took longer than 0.5 s")
    assert result.elapsed_ms < 2000


def test_it_reports_a_refused_connection(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.CHECK_ALLOW_PORTS = [port]

    result = check_url(f"http://127.0.0.1:{port}/")

    assert (result.outcome, result.error) == ("error", "connection refused")


def test_it_reports_a_server_that_hangs_up_before_answering(serve):
    server = serve(lambda request: Reply(raw_head=b""))

    result = check_url(server.url())

    assert (result.outcome, result.error) == ("error", "connection closed before the response headers")
