"""RDAP answers written by hand in the shapes RIPE's and ARIN's servers give, and a loopback registry serving them.

Addresses are from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32); the organisations are invented.

    with registry({"/arin/ip/203.0.113.7": moved("/ripe/ip/203.0.113.7"),
                   "/ripe/ip/203.0.113.7": answer(load("ripe_ipv4"))}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from testsupport.loopback import LoopbackServer, Reply, Request

HERE = Path(__file__).parent
Route = Reply | Callable[[Request, LoopbackServer], Reply]


def load(name: str) -> dict:
    """A fresh copy of a fixture, safe to change in a test."""
    return copy.deepcopy(json.loads((HERE / f"{name}.json").read_text(encoding="utf-8")))


def answer(data: object, status: int = 200) -> Reply:
    body = json.dumps(data).encode()
    return Reply(
        status=status,
        headers=[
            ("Content-Type", "application/rdap+json"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
        body=[body],
    )


def moved(path: str, status: int = 302) -> Callable[[Request, LoopbackServer], Reply]:
    """A redirect to `path` on the same loopback server (ARIN's answer for another registry's address)."""

    def reply(_request: Request, server: LoopbackServer) -> Reply:
        target = path if "://" in path else server.url(path)
        return Reply(status=status, headers=[("Location", target), ("Content-Length", "0"), ("Connection", "close")])

    return reply


NOT_FOUND = answer({"errorCode": 404, "title": "Not Found", "description": ["No network for this address"]}, 404)


@contextlib.contextmanager
def registry(routes: dict[str, Route]) -> Iterator[LoopbackServer]:
    """A loopback RDAP server answering each path from `routes` (404 otherwise); routes may be changed later."""
    holder: list[LoopbackServer] = []

    def handle(request: Request) -> Reply:
        route = routes.get(request.target, NOT_FOUND)
        return route(request, holder[0]) if callable(route) else route

    server = LoopbackServer(handle)
    holder.append(server)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def hosted_record(url: str, *ips: str, country: str = "GB", network: str = "EXAMPLEHOST"):
    """An enriched record hosted at `ips` (as enrichment leaves it), with no takedown yet."""
    from enrichment.models import HostAddress
    from testsupport.triage import enriched_record

    record = enriched_record(url, country_code=country, network_name=network)
    for ip in ips or ("203.0.113.7",):
        HostAddress.objects.create(
            record=record, ip=ip, country_code=country, asn=64500, network_name=network, geo_source="test"
        )
    return record
