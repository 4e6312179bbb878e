import pytest
import time_machine

from reports.models import Report
from testsupport.reports import send_report


@pytest.mark.django_db
def test_a_client_over_its_hourly_limit_gets_a_429_and_keeps_what_it_typed(client, settings):
    settings.REPORT_RATE_LIMIT = 2
    for i in range(2):
        assert send_report(client, f"http://example.com/{i}").status_code == 200
    response = send_report(client, "http://example.com/kept-for-later", description="still here")
    assert response.status_code == 429
    body = response.content.decode()
    assert "try again later" in body.lower()
    assert "http://example.com/kept-for-later" in body
    assert "still here" in body
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_the_limit_is_per_client(client, settings):
    settings.REPORT_RATE_LIMIT = 1
    assert send_report(client, REMOTE_ADDR="203.0.113.1").status_code == 200
    assert send_report(client, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert send_report(client, REMOTE_ADDR="203.0.113.2").status_code == 200


@pytest.mark.django_db
def test_the_whole_site_has_a_limit_too(client, settings):
    settings.REPORT_RATE_LIMIT = 0
    # Enforced as a rate per minute: three a minute (see publicsite.ratelimit).
    settings.REPORT_GLOBAL_RATE_LIMIT = 180
    with time_machine.travel(86400 * 30000 + 5, tick=False):
        statuses = [send_report(client, REMOTE_ADDR="203.0.113.1").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert Report.objects.count() == 3


@pytest.mark.django_db
def test_zero_turns_both_limits_off(client, settings):
    settings.REPORT_RATE_LIMIT = 0
    settings.REPORT_GLOBAL_RATE_LIMIT = 0
    assert all(send_report(client).status_code == 200 for _ in range(15))


@pytest.mark.django_db
def test_a_report_with_errors_does_not_use_up_the_allowance(client, settings):
    settings.REPORT_RATE_LIMIT = 1
    assert send_report(client, "javascript:alert(1)").status_code == 400
    assert send_report(client).status_code == 200


@pytest.mark.django_db
def test_the_rate_limit_key_is_not_the_address_and_changes_daily(rf):
    from publicsite.ratelimit import client_key

    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    today = client_key(request, now=86400 * 20000 + 5)
    assert "203.0.113.9" not in today
    assert today == client_key(request, now=86400 * 20000 + 500)
    assert today != client_key(request, now=86400 * 20001 + 5)
