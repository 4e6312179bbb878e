"""One signed POST to a partner's exchange API; the answer's JSON, or WebhookError (retried by the caller)."""

from __future__ import annotations

import json

import requests
from django.conf import settings

from enrichment import netguard
from exchange.models import ExchangePartner
from exchange.signing import headers_for
from takedown.notices.webhook import WebhookError

MAX_ANSWER_BYTES = 1 << 20


def _read(response: requests.Response) -> bytes:
    body = b""
    for chunk in response.iter_content(65536):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise WebhookError("the partner's answer is larger than 1 MiB", status=response.status_code)
    return body


def post_signed(*, partner: ExchangePartner, path: str, key: str, body: bytes) -> tuple[int, dict]:
    if not partner.active:
        raise WebhookError(f"the exchange with {partner.name} is switched off")
    url = partner.endpoint(path)
    refusal = netguard.url_refusal(url)
    if refusal:
        # Valid when saved, but its name may since point inside our network (as for notice webhooks).
        raise WebhookError(f"refused to post to {url}: {refusal}")
    headers = headers_for(api_key=partner.api_key, secret=partner.secret, key=key, body=body)
    try:
        # No redirects: a signed request goes where the partner's configuration says, nowhere else.
        response = requests.post(
            url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT, allow_redirects=False, stream=True
        )
    except requests.RequestException as exc:
        raise WebhookError(f"no answer from {partner.name}'s API: {exc.__class__.__name__}: {exc}") from exc
    with response:
        raw = _read(response)
    try:
        answer = json.loads(raw) if raw else {}
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if not 200 <= response.status_code < 300:
        detail = str(answer.get("detail", ""))[:300]
        raise WebhookError(
            f"{partner.name}'s API answered HTTP {response.status_code}" + (f": {detail}" if detail else ""),
            status=response.status_code,
        )
    return response.status_code, answer
