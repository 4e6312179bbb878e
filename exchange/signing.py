"""Signing exchange requests: the notice webhooks' scheme (takedown.notices.webhook), both ways.

    Authorization: Bearer <the API key the receiving hotline gave the sender>
    Idempotency-Key: <UUID, the same on every attempt of one delivery>
    X-Reportsite-Timestamp: <Unix seconds of this attempt>
    X-Reportsite-Signature: sha256=<hex HMAC-SHA256 of timestamp "." raw body, keyed with the shared secret>

The receiver checks the key, then the signature over the raw body in constant
time before parsing anything, and refuses a timestamp further than
EXCHANGE_SIGNATURE_MAX_AGE from its clock (a replay).
"""

from __future__ import annotations

import hmac
import time
import uuid

from django.conf import settings

from takedown.notices.webhook import signature


class SignatureError(Exception):
    """The request is not signed as the protocol says; the message tells the sender what is wrong."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


def headers_for(*, api_key: str, secret: str, key: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": "reportsite-exchange",
        "Authorization": f"Bearer {api_key}",
        "Idempotency-Key": key,
        "X-Reportsite-Timestamp": timestamp,
        "X-Reportsite-Signature": signature(secret, timestamp, body),
    }


def verify(*, secret: str, headers, body: bytes, now: float | None = None) -> str:
    """Check the timestamp, signature and Idempotency-Key; return the key. Raises SignatureError."""
    timestamp = headers.get("X-Reportsite-Timestamp", "")
    sent = headers.get("X-Reportsite-Signature", "")
    key = headers.get("Idempotency-Key", "")
    if not timestamp or not sent:
        raise SignatureError("Sign the request: X-Reportsite-Timestamp and X-Reportsite-Signature are required.")
    if not timestamp.isdigit():
        raise SignatureError("X-Reportsite-Timestamp must be Unix time in whole seconds.")
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), sent.encode()):
        raise SignatureError(
            "The signature does not match: X-Reportsite-Signature must be sha256= and the hex HMAC-SHA256 of "
            "the timestamp, a full stop and the raw body, keyed with the secret we share."
        )
    age = abs((now if now is not None else time.time()) - int(timestamp))
    if age > settings.EXCHANGE_SIGNATURE_MAX_AGE:
        raise SignatureError(
            f"The timestamp is {int(age)} s from our clock (at most {settings.EXCHANGE_SIGNATURE_MAX_AGE} s): "
            "sign each attempt afresh and check your clock."
        )
    try:
        uuid.UUID(key)
    except ValueError:
        raise SignatureError(
            "Send an Idempotency-Key header holding a UUID, the same on every retry.", status=400
        ) from None
    return key
