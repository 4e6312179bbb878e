"""Serve the public portal as the onion vhost would reach it, under the production environment.

Run by test_onion_vhost.py in a subprocess (settings are read at import, so
PRODUCTION=true must be in the environment from the start); prints one JSON
object. Every request carries `Host: <onion>` and, unless a case says not,
the `X-Forwarded-Proto: https` that deploy/tor/reportsite-onion.conf sets.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

ONION = os.environ["PROBE_ONION_HOST"]


def describe(response) -> dict:
    return {
        "status": response.status_code,
        "headers": {name.lower(): value for name, value in response.items()},
        "cookies": [
            {"name": m.key, "secure": bool(m["secure"]), "path": m["path"], "domain": m["domain"]}
            for m in response.cookies.values()
        ],
    }


def main() -> None:
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from publicsite import formguard

    onion = {"HTTP_HOST": ONION, "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_REAL_IP": "fc00:dead:beef:4dad::1:7"}
    results: dict[str, dict] = {}

    def get(label: str, path: str, client: Client | None = None, **extra) -> None:
        results[label] = describe((client or Client()).get(path, **(onion | extra)))

    pages = {
        "form": "/",
        "form fr": "/fr/",
        "status": "/status/",
        "status ar": "/ar/status/",
        "staff login": "/staff/login/",
        "admin": "/admin/login/",
        "api docs": "/api/v1/docs/",
    }
    for label, path in pages.items():
        get(label, path)
    get("entry with a French browser", "/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_SEC_FETCH_SITE="none")
    results["form over plain http"] = describe(Client().get("/", HTTP_HOST=ONION))

    form_page = Client().get("/", **onion)
    css = re.search(r'href="(/static/[^"]+\.css)"', form_page.content.decode())
    results["static"] = describe(Client().get(css.group(1), **onion)) if css else {"status": None}

    def submit(origin: str) -> dict:
        browser = Client(enforce_csrf_checks=True)
        page = browser.get("/", **onion).content.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {
            "csrfmiddlewaretoken": csrf,
            "addresses": f"http://onion-probe-{time.time_ns()}.example/a",
            "seen": "images",
            "found_on": "website",
            "description": "",
            "contact_email": "",
            "website": "",
            "token": formguard.token_issue(now=time.time() - 60),
        }
        from reports.models import Report

        before = Report.objects.count()
        response = browser.post(
            "/", urlencode(data), content_type="application/x-www-form-urlencoded", HTTP_ORIGIN=origin, **onion
        )
        found = describe(response)
        # Bots are shown a confirmation too, so the report must really be stored.
        found["confirmed"] = b'id="receipt"' in response.content and Report.objects.count() == before + 1
        return found

    # Tor Browser under Referrer-Policy: no-referrer sends "Origin: null" with a form.
    results["submit origin null"] = submit("null")
    # A browser that sends the real origin: http://, since the onion has no TLS.
    results["submit origin http onion"] = submit(f"http://{ONION}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
