"""A partner set up for the exchange, signed requests, and a partner's API on loopback for the unit tests."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import Client

from exchange.models import ExchangePartner
from takedown.notices.webhook import signature
from testsupport.memberapi import key, member
from testsupport.takedown import partner as partner_recipient

SECRET = "exchange-shared-secret-" + "k" * 20  # noqa: S105  (tests only)


def exchange_partner(*, api_url: str = "http://127.0.0.1:9/api/v1/", routes_to: str = "NL", name: str = "Hotline NL"):
    """A partner hotline we route `routes_to` to and that may call us; returns (partner, the key it calls us with)."""
    recipient = partner_recipient(name, countries=routes_to) if routes_to else None
    owner = member(name)
    _api_key, their_key = key(owner, scopes=["exchange"])
    linked = ExchangePartner.objects.create(
        name=name, recipient=recipient, member=owner, api_url=api_url, api_key="rsk_theirs_key", secret=SECRET
    )
    return linked, their_key


def signed_headers(body: bytes, *, api_key: str, secret: str = SECRET, idempotency_key: str | None = None,
                   timestamp: int | None = None) -> dict:  # fmt: skip
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_key}",
        "HTTP_IDEMPOTENCY_KEY": idempotency_key or str(uuid.uuid4()),
        "HTTP_X_REPORTSITE_TIMESTAMP": stamp,
        "HTTP_X_REPORTSITE_SIGNATURE": signature(secret, stamp, body),
    }


def post_signed(path: str, document: dict, *, api_key: str, **options):
    body = json.dumps(document).encode()
    headers = signed_headers(body, api_key=api_key, **options)
    return Client().post(path, body, content_type="application/json", **headers)


class PartnerApi:
    """The partner's exchange API on 127.0.0.1: records each request; `answer` decides the reply.

    answer(path, document) -> (status, JSON document). It verifies signatures itself,
    independently of the code under test (401 if wrong).
    """

    def __init__(self, answer: Callable[[str, dict], tuple[int, dict]] | None = None) -> None:
        self.requests: list[dict] = []
        self.answer = answer or acknowledge
        self.failures_left = 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = dict(self.headers.items())
                stamp = headers.get("X-Reportsite-Timestamp", "")
                if headers.get("X-Reportsite-Signature") != signature(SECRET, stamp, raw):
                    status, document = 401, {"detail": "bad signature"}
                elif api.failures_left > 0:
                    api.failures_left -= 1
                    status, document = 503, {"detail": "down for maintenance"}
                else:
                    document = json.loads(raw)
                    api.requests.append({"path": self.path, "headers": headers, "body": document, "raw": raw})
                    status, document = api.answer(self.path, document)
                out = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/v1/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def acknowledge(path: str, document: dict) -> tuple[int, dict]:
    """What a partner running this software answers: each item received, under its own reference."""
    if path.endswith("/forwards/"):
        items = [
            {"reference": item["reference"], "partner_reference": f"NL-{n:07d}", "status": "received", "sequence": 1,
             "at": "2026-01-01T00:00:00Z"}
            for n, item in enumerate(document["items"], start=1)
        ]  # fmt: skip
        return 201, {"received": len(items), "new": len(items), "items": items}
    return 200, {"results": [{"result": "applied"} for _ in document.get("updates", [])]}
