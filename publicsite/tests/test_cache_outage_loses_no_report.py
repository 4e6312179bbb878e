"""With the cache (Redis) down, a reporter still gets a confirmation and the report is stored."""

import pytest
from django.core.cache import cache

from reports.models import Report
from testsupport.reports import confirmation_codes, send_report

pytestmark = pytest.mark.django_db


class Down(ConnectionError):
    pass


@pytest.fixture
def cache_down(monkeypatch):
    def fail(*args, **kwargs):
        raise Down("cache unreachable")

    for name in ("get", "set", "add", "incr"):
        monkeypatch.setattr(cache, name, fail)


def test_a_report_is_confirmed_and_stored_without_the_cache(client, cache_down, caplog):
    response = send_report(client, "http://cache-down.example/a")
    assert response.status_code == 200
    reference, receipt = confirmation_codes(response)
    assert Report.objects.filter(reference=reference).exists()
    assert receipt
    assert "rate limit is not applied" in caplog.text


def test_with_the_cache_the_rate_limit_still_holds(client, settings):
    settings.REPORT_RATE_LIMIT = 1
    assert send_report(client, "http://limited.example/a").status_code == 200
    assert send_report(client, "http://limited.example/b").status_code == 429
