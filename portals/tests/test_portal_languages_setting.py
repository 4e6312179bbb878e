"""PORTAL_LANGUAGES names real languages beyond the site-wide ones, or the site refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SHOW = "from django.conf import settings; print(','.join(code for code, _ in settings.LANGUAGES))"


def languages_with(value: str) -> subprocess.CompletedProcess:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "reportsite.settings", "PORTAL_LANGUAGES": value}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_django_knows_the_site_wide_languages_then_the_portal_ones():
    result = languages_with("uk,ro")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "en,fr,de,es,pl,ar,uk,ro"


def test_an_unknown_code_stops_the_site():
    result = languages_with("uk,xx")
    assert result.returncode != 0
    assert "PORTAL_LANGUAGES: 'xx'" in result.stderr


def test_a_site_wide_language_cannot_be_a_portal_language_too():
    result = languages_with("fr")
    assert result.returncode != 0
    assert "PORTAL_LANGUAGES: 'fr'" in result.stderr
