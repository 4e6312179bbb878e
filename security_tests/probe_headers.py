"""Serve every route once under the production environment and print what came back, as JSON.

Run by test_headers_on_every_route.py through production.probe(); not a test
itself. It builds a throw-away SQLite database under VAR_DIR, collects the
static files (production serves hashed names), and requests each URL pattern
anonymously and as a manager past the second factor, plus the refusals and
error pages that no pattern names: 404, 411, 413, 415, 429 (three kinds) and 500.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, path, reverse  # noqa: E402
from django.urls.resolvers import RoutePattern  # noqa: E402

HOST = os.environ["ALLOWED_HOSTS"].split(",")[0]
ERROR_BODY_STATUSES = {400, 403, 404, 405, 411, 413, 415, 429, 500}


def boom(request):
    raise RuntimeError("probe: an unexpected failure inside a view (Django 5.2, Python 3)")


def route_paths(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    """(pattern as written, a concrete path) for every route outside the admin."""
    found = []
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regex patterns are probed from its registry below
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route == "admin/":
                continue
            found.extend(route_paths(entry, route))
        elif isinstance(entry, URLPattern):
            found.append((route, route))
    return found


def fill(route: str, values: dict[str, str]) -> str:
    for marker, value in values.items():
        route = route.replace(marker, value)
    assert "<" not in route, f"no probe value for a converter in {route!r}: add one to probe_headers.py"
    return "/" + route


def describe(response, label: str) -> dict:
    headers = {name.lower(): value for name, value in response.items()}
    cookies = [
        {
            "name": morsel.key,
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
            "path": morsel["path"],
            "domain": morsel["domain"],
        }
        for morsel in response.cookies.values()
    ]
    entry = {"label": label, "status": response.status_code, "headers": headers, "cookies": cookies}
    if response.status_code in ERROR_BODY_STATUSES and not getattr(response, "streaming", False):
        entry["body"] = response.content.decode("utf-8", errors="replace")
    return entry


def main() -> None:
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)

    from memberapi.models import Member
    from memberapi.services import api_key_create
    from reports import formguard
    from reports.addresses import canonicalize
    from reports.models import UrlRecord
    from reports.services import AddressInput, report_submit
    from staff.testing import FormClient, login_verified, make_staff

    # A view that fails, so the 500 page is served by the real handler and middleware.
    get_resolver().url_patterns.append(path("probe-boom/", boom))
    clear_url_caches()

    report_submit(
        addresses=[AddressInput(as_typed="http://probe.example/a", canonical=canonicalize("http://probe.example/a"))],
        seen="images",
        found_on="website",
    )
    record = UrlRecord.objects.get()
    manager = make_staff("manager", "probe-manager", is_staff=True, is_superuser=True)
    make_staff("analyst", "probe-locked")
    member = Member.objects.create(name="Probe member", contact_email="api@probe.example")
    from django.utils import timezone

    _, api_key = api_key_create(
        member=member,
        name="probe",
        scopes=["urllist:read", "reports:write", "reports:read"],
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_key}")
    posted = api.post(
        "/api/v1/reports/",
        json.dumps({"reference": "probe-1", "addresses": ["http://probe.example/b"]}),
        content_type="application/json",
        secure=True,
        HTTP_HOST=HOST,
    )
    assert posted.status_code == 201, posted.content

    values = {"<int:pk>": str(record.pk), "<str:reference>": "probe-1"}
    routes = route_paths(get_resolver())
    results: list[dict] = []
    anonymous = FormClient(raise_request_exception=False)
    signed_in = login_verified(FormClient(raise_request_exception=False), manager)

    def get(client, url, label, **extra):
        extra.setdefault("HTTP_HOST", HOST)
        results.append(describe(client.get(url, secure=True, **extra), label))

    def post(client, url, label, data="", content_type="application/x-www-form-urlencoded", **extra):
        extra.setdefault("HTTP_HOST", HOST)
        response = client.post(url, data, content_type=content_type, secure=True, **extra)
        results.append(describe(response, label))
        return response

    ordered = sorted(routes, key=lambda r: "logout" in r[0])  # sign out last
    for route, _ in ordered:
        if route == "probe-boom/":
            continue
        url = fill(route, values)
        get(anonymous, url, f"GET {route} anonymous")
        get(signed_in, url, f"GET {route} manager")
        get(api, url, f"GET {route} api key")
        if "logout" not in route:
            post(signed_in, url, f"POST {route} manager (empty form)")

    for model in admin.site._registry:
        opts = model._meta
        get(signed_in, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), f"GET admin {opts.label}")
    get(signed_in, "/admin/", "GET admin/ manager")
    get(anonymous, "/admin/", "GET admin/ anonymous")

    get(anonymous, "/metrics", "GET metrics with the token", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")
    get(anonymous, "/healthz", "GET healthz")
    plain = anonymous.get("/healthz", HTTP_HOST=HOST)
    results.append(describe(plain, "GET healthz over plain http (load balancer)") | {"plain_http": True})
    results.append(describe(anonymous.get("/", HTTP_HOST=HOST), "GET / over plain http") | {"plain_http": True})

    get(anonymous, "/no-such-page/", "404 public")
    get(signed_in, "/triage/record/999999/", "404 staff")
    get(api, "/api/v1/no-such-endpoint/", "404 api")
    get(anonymous, "/probe-boom/", "500 public")
    post(
        anonymous, "/", "415 multipart upload", data=b"--x\r\n\r\n--x--", content_type="multipart/form-data; boundary=x"
    )
    post(anonymous, "/", "413 oversized form", data="addresses=" + "a" * (settings.MAX_REQUEST_BYTES + 10))
    post(api, "/api/v1/reports/", "413 oversized api body", data="[" + " " * settings.API_MAX_REQUEST_BYTES + "]",
         content_type="application/json")  # fmt: skip
    results.append(
        describe(
            anonymous.generic(
                "POST", "/api/v1/reports/", b"", secure=True, HTTP_HOST=HOST, HTTP_TRANSFER_ENCODING="chunked"
            ),  # fmt: skip
            "411 api without a length",
        )
    )
    get(anonymous, "/", "400 bad host", HTTP_HOST="evil.example")

    # 429: the public report rate limit (REPORT_RATE_LIMIT=1 in this run) ...
    reporter = FormClient()
    form = {"addresses": "http://probe.example/c", "seen": "images", "found_on": "website", "description": "",
            "contact_email": "", "website": ""}  # fmt: skip
    for attempt in range(2):
        data = urlencode(form | {"token": formguard.token_issue(now=time.time() - 60)})
        response = post(reporter, "/", f"report {attempt + 1}", data=data, HTTP_X_REAL_IP="192.0.2.10")
    results[-1]["label"] = "429 report rate limit"
    # ... the staff lockout ...
    locker = FormClient()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        wrong = urlencode({"username": "probe-locked", "password": "wrong"})
        response = post(locker, "/staff/login/", "staff login failure", data=wrong, HTTP_X_REAL_IP="192.0.2.11")
    results[-1]["label"] = f"{response.status_code} staff lockout"
    # ... and the API's per-key throttle.
    from memberapi.models import ApiKey

    ApiKey.objects.update(rate_limit="1/min")
    for _ in range(3):
        get(api, "/api/v1/urllist/", "api throttle")
    results[-1]["label"] = f"{results[-1]['status']} api throttle"

    # Static files are answered by WhiteNoise before most middleware.
    from django.templatetags.static import static

    get(anonymous, static("css/site.css"), "GET a static file")

    print(json.dumps({"routes": [r for r, _ in routes], "results": results}))


if __name__ == "__main__":
    main()
