"""Small helpers shared by the public-side tests."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.test import Client

from reports import formguard


def report_data(addresses: str | list[str] = "http://example.com/a", **overrides) -> dict:
    """A valid form body, as a person who took a minute to fill it in would send."""
    if isinstance(addresses, list):
        addresses = "\n".join(addresses)
    data = {
        "addresses": addresses,
        "seen": "images",
        "found_on": "website",
        "description": "",
        "contact_email": "",
        "website": "",
        "token": formguard.token_issue(now=time.time() - 60),
    }
    data.update(overrides)
    return data


def post_form(client: Client, path: str, data: dict, **meta):
    """POST as a browser sends a plain form: urlencoded, never multipart."""
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded", **meta)


def send_report(client: Client, addresses: str | list[str] = "http://example.com/a", **overrides):
    """Send the form; UPPER_CASE keywords are request headers (REMOTE_ADDR, HTTP_USER_AGENT …)."""
    meta = {k: v for k, v in overrides.items() if k.isupper()}
    fields = {k: v for k, v in overrides.items() if not k.isupper()}
    return post_form(client, "/", report_data(addresses, **fields), **meta)


def confirmation_codes(response) -> tuple[str, str]:
    return response.context["reference"], response.context["receipt"]
