"""Notices to partner hotlines by webhook: a signed JSON POST.

What a partner receives
-----------------------
    POST <webhook_url>
    Content-Type: application/json
    Idempotency-Key: <batch key, a UUID>
    X-Reportsite-Timestamp: <Unix time of this attempt, in seconds>
    X-Reportsite-Signature: sha256=<hex>

    {"idempotency_key": "<UUID>", "batch": 123, "sent_by": "<hotline name>",
     "purpose": "initial", "purposes": ["initial", "repeat"],
     "subject": "...", "text": "<the notice as plain text>",
     "items": [{"reference": "RS-0000042", "url": "https://…", "sha256": "…",
                "category": "Category A", "first_seen": "2024-05-01T09:30:00Z",
                "purpose": "initial"}, …]}

Verifying it
------------
The signature is HMAC-SHA256, keyed with the secret shared with the partner
(the recipient's webhook secret, as UTF-8), over the timestamp header, a
full stop, and the raw request body exactly as received:

    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    valid = hmac.compare_digest("sha256=" + expected, request.headers["X-Reportsite-Signature"])

Verify before parsing the JSON, compare in constant time, and refuse a
timestamp more than a few minutes from your clock (a replayed request).
Each attempt has a fresh timestamp and signature; the Idempotency-Key is
the same on every attempt: if you have already processed that key, answer
2xx and do nothing.

Any 2xx answer means delivered. Anything else (including a redirect, which
is not followed) or no answer within WEBHOOK_TIMEOUT is retried with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings

from enrichment import netguard
from takedown.models import NoticeBatch
from takedown.notices.render import Rendered, purpose_rank


class WebhookError(Exception):
    """Not delivered: a non-2xx answer (status kept) or no answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload(batch: NoticeBatch, rendered: Rendered) -> bytes:
    document = {
        "idempotency_key": str(batch.key),
        "batch": batch.pk,
        "sent_by": settings.HOTLINE_NAME,
        "purpose": rendered.purpose,
        "purposes": sorted({line.purpose for line in rendered.lines}, key=purpose_rank),
        "subject": rendered.subject,
        "text": rendered.body,
        "items": [
            {
                "reference": line.reference,
                "url": line.url,
                "sha256": line.sha256,
                "category": line.category,
                "first_seen": line.first_seen,
                "purpose": line.purpose,
            }
            for line in rendered.lines
        ],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_send(batch: NoticeBatch, rendered: Rendered) -> int:
    """POST the notice; returns the 2xx status, raises WebhookError otherwise."""
    recipient = batch.recipient
    if not recipient.webhook_url or not recipient.webhook_secret:
        raise WebhookError(f"{recipient.name} has no webhook URL and secret any more")
    refusal = netguard.url_refusal(recipient.webhook_url)
    if refusal:
        # Valid when saved, but its name may since point inside our network.
        raise WebhookError(f"refused to post to {recipient.webhook_url}: {refusal}")
    body = payload(batch, rendered)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "reportsite-notices",
        "Idempotency-Key": str(batch.key),
        "X-Reportsite-Timestamp": timestamp,
        "X-Reportsite-Signature": signature(recipient.webhook_secret, timestamp, body),
    }
    try:
        # No redirects: a signed notice goes where the partner told us, nowhere else.
        response = requests.post(
            recipient.webhook_url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
            stream=True,  # the answer's body is never read: its status is all we need
        )
    except requests.RequestException as exc:
        raise WebhookError(f"no answer from the webhook: {exc.__class__.__name__}: {exc}") from exc
    response.close()
    if not 200 <= response.status_code < 300:
        raise WebhookError(f"the webhook answered HTTP {response.status_code}", status=response.status_code)
    return response.status_code
