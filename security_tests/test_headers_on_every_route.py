"""Under PRODUCTION=true every answer, error pages and refusals included, carries the security headers."""

import pytest

pytestmark = pytest.mark.security

ALWAYS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def https_answers(answers):
    return [entry for entry in answers["results"] if not entry.get("plain_http")]


def test_every_answer_over_https_carries_hsts_nosniff_no_referrer_coop_and_a_csp(production_answers):
    missing = []
    for entry in https_answers(production_answers):
        headers = entry["headers"]
        for name, value in ALWAYS.items():
            if headers.get(name) != value:
                missing.append(f"{entry['label']} ({entry['status']}): {name}={headers.get(name)!r}")
        csp = headers.get("content-security-policy", "")
        if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
            missing.append(f"{entry['label']} ({entry['status']}): content-security-policy={csp!r}")
    assert not missing, "\n".join(missing)


def test_every_page_but_static_files_is_no_store(production_answers):
    cached = [
        f"{entry['label']} ({entry['status']}): {entry['headers'].get('cache-control')!r}"
        for entry in https_answers(production_answers)
        if entry["label"] != "GET a static file" and entry["headers"].get("cache-control") != "no-store"
    ]
    assert not cached, "\n".join(cached)


def test_every_route_was_probed_anonymously_and_signed_in(production_answers):
    labels = {entry["label"] for entry in production_answers["results"]}
    assert len(production_answers["routes"]) > 20
    for route in production_answers["routes"]:
        if route == "probe-boom/":
            continue
        assert f"GET {route} anonymous" in labels
        assert f"GET {route} manager" in labels


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("404 public", 404),
        ("404 staff", 404),
        ("404 api", 404),
        ("500 public", 500),
        ("415 multipart upload", 415),
        ("413 oversized form", 413),
        ("413 oversized api body", 413),
        ("411 api without a length", 411),
        ("400 bad host", 400),
        ("429 report rate limit", 429),
        ("429 staff lockout", 429),
        ("429 api throttle", 429),
        ("GET metrics with the token", 200),
    ],
)
def test_the_error_pages_and_refusals_were_served_as_intended(production_answers, label, status):
    found = [entry["status"] for entry in production_answers["results"] if entry["label"] == label]
    assert found == [status]


def test_cookies_are_host_prefixed_secure_httponly_and_same_site(production_answers):
    seen = {}
    for entry in production_answers["results"]:
        for cookie in entry["cookies"]:
            seen[cookie["name"]] = cookie
    assert {"__Host-sessionid", "__Host-csrftoken"} <= set(seen)
    for name, cookie in seen.items():
        assert name.startswith("__Host-"), f"cookie {name} is not a __Host- cookie"
        assert cookie["secure"], name
        assert cookie["path"] == "/" and not cookie["domain"], name  # what __Host- demands
        assert cookie["samesite"] in ("Strict", "Lax"), name
        # Neither cookie is read by script: the CSRF token travels in the form.
        assert cookie["httponly"], name


def test_plain_http_is_redirected_except_the_health_check(production_answers):
    plain = {entry["label"]: entry for entry in production_answers["results"] if entry.get("plain_http")}
    assert plain["GET / over plain http"]["status"] == 301
    assert plain["GET / over plain http"]["headers"]["location"].startswith("https://")
    assert plain["GET healthz over plain http (load balancer)"]["status"] in (200, 503)
