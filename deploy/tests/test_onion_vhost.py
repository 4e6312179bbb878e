"""The public portal behind the onion vhost (deploy/tor/), as Django answers it in production.

nginx gives every onion request `X-Forwarded-Proto: https` (the onion
address is end-to-end encrypted and authenticated), so Django's HTTPS-only
behaviour holds: no redirect, Secure __Host- cookies, the same headers as on
the HTTPS site. Refusing staff paths is nginx's job there (checked against
the nginx file in test_nginx_config.py); the app itself still serves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testsupport.production import HOST, production_env, run

# A version 3 onion name: 56 characters of base32 (a-z, 2-7).
ONION = "reportsite" + "abcdefghijklmnopqrstuvwxyz234567" + "q" * 14 + ".onion"
PROBE = Path(__file__).with_name("probe_onion.py")


def _probe(tmp_path: Path, **overrides: str) -> dict:
    import json

    env = production_env(
        tmp_path,
        ALLOWED_HOSTS=f"{HOST},{ONION}",
        CACHE_URL="",
        CELERY_BROKER_URL="memory://",
        PROBE_ONION_HOST=ONION,
        **overrides,
    )
    done = run([str(PROBE)], env)
    assert done.returncode == 0, f"probe failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict:
    return _probe(tmp_path_factory.mktemp("onion"), CSRF_TRUSTED_ORIGINS=f"https://{HOST},http://{ONION}")


def test_the_onion_name_is_a_v3_address():
    assert len(ONION) == 56 + len(".onion")


@pytest.mark.parametrize("page", ["form", "form fr", "status", "status ar"])
def test_the_public_pages_answer_on_the_onion_host_with_the_production_headers(answers, page):
    found = answers[page]
    assert found["status"] == 200
    assert "default-src 'self'" in found["headers"]["content-security-policy"]
    assert "no-store" in found["headers"]["cache-control"]
    assert found["headers"]["referrer-policy"] == "no-referrer"


def test_static_files_answer_on_the_onion_host(answers):
    assert answers["static"]["status"] == 200


def test_cookies_on_the_onion_host_are_secure_host_cookies(answers):
    cookies = answers["form"]["cookies"]
    assert cookies, "the form sets its CSRF cookie"
    assert all(
        c["name"].startswith("__Host-") and c["secure"] and c["path"] == "/" and not c["domain"] for c in cookies
    )


def test_without_the_proxys_https_header_django_would_redirect_tor_users_to_https(answers):
    # Which is why the onion vhost must set X-Forwarded-Proto: https.
    found = answers["form over plain http"]
    assert found["status"] == 301
    assert found["headers"]["location"].startswith(f"https://{ONION}")


def test_the_language_redirect_stays_on_the_onion_host_and_its_scheme(answers):
    found = answers["entry with a French browser"]
    assert found["status"] == 302
    assert found["headers"]["location"] == "/fr/", "a relative redirect, never https://<onion>"


def test_django_sends_hsts_there_which_the_onion_vhost_drops(answers):
    # Documented in deploy/tor/reportsite-onion.conf (proxy_hide_header); nginx is tested for it.
    assert "strict-transport-security" in answers["form"]["headers"]


def test_a_report_sent_from_tor_browser_is_confirmed(answers):
    found = answers["submit origin null"]
    assert found["status"] == 200 and found["confirmed"], found


def test_a_report_with_the_http_onion_origin_is_confirmed_when_that_origin_is_trusted(answers):
    found = answers["submit origin http onion"]
    assert found["status"] == 200 and found["confirmed"], found


def test_without_the_http_onion_origin_in_csrf_trusted_origins_such_a_report_is_refused(tmp_path):
    found = _probe(tmp_path)["submit origin http onion"]
    assert found["status"] == 403


def test_staff_paths_are_reachable_in_the_app_so_the_onion_vhost_must_refuse_them(answers):
    assert answers["staff login"]["status"] == 200
    assert answers["admin"]["status"] in (200, 302)
