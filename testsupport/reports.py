"""Small helpers shared by the public-side tests."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from django.test import Client

from publicsite import formguard


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


CODE = re.compile(r'<dd class="code" id="(reference|receipt)">([^<]*)</dd>')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def confirmation_codes(response) -> tuple[str, str]:
    """The reference and receipt code on a confirmation page, as the reporter reads them."""
    codes = dict(CODE.findall(response.content.decode()))
    return codes["reference"], codes["receipt"]


def is_confirmation(response) -> bool:
    return response.status_code == 200 and 'id="receipt"' in response.content.decode()


def csrf_token_of(response) -> str:
    """The CSRF token in a page's form."""
    return CSRF.search(response.content.decode()).group(1)
