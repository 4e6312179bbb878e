"""A partner hotline's webhook on 127.0.0.1, verifying signatures as docs/takedown.md tells partners to.

    receiver = WebhookReceiver(secret="s3cret").start()
    receiver.url             # give it to the Recipient
    receiver.fail_next(1)    # the next accepted delivery gets 503
    receiver.accepted, receiver.rejected, receiver.keys

It checks the signature itself (HMAC-SHA256 over "<timestamp>." + raw body),
independently of the code under test, so a test fails if the sender signs
wrongly. A bad or missing signature gets 401 and counts as rejected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.lock = threading.Lock()
        self.accepted: list[dict] = []  # each: the parsed body, plus its headers under "_headers"
        self.rejected = 0
        self.failures_left = 0
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver._receive(raw, dict(self.headers.items()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/notices"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count: int, status: int = 503) -> None:
        with self.lock:
            self.failures_left = count
            self.status = status

    def verify(self, raw: bytes, headers: dict[str, str]) -> bool:
        timestamp = headers.get("X-Reportsite-Timestamp", "")
        given = headers.get("X-Reportsite-Signature", "")
        expected = (
            "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        )
        return bool(timestamp) and hmac.compare_digest(expected, given)

    def _receive(self, raw: bytes, headers: dict[str, str]) -> int:
        with self.lock:
            if not self.verify(raw, headers):
                self.rejected += 1
                return 401
            if self.failures_left > 0:
                self.failures_left -= 1
                return self.status
            document = json.loads(raw)
            document["_headers"] = headers
            self.accepted.append(document)
            return 200

    @property
    def keys(self) -> set[str]:
        with self.lock:
            return {document["_headers"].get("Idempotency-Key", "") for document in self.accepted}
