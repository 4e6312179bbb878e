"""The slower per-account brake (staff.lockout): many failures from many
addresses pause an account everywhere, briefly; one address never can."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from staff.models import AuditEvent
from testsupport.staff import sign_in_password

pytestmark = pytest.mark.django_db

WRONG = "not the password, sorry"
OFFICE = "198.51.100.7"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    settings.LOGIN_ACCOUNT_BRAKE_MINUTES = 15


def fail_from(client, address: str, times: int, username: str = "analyst"):
    return [sign_in_password(client, username, WRONG, HTTP_X_REAL_IP=address).status_code for _ in range(times)]


def test_many_failures_from_many_addresses_pause_the_account_everywhere(client, analyst):
    fail_from(client, "203.0.113.1", 5)
    fail_from(client, "203.0.113.2", 5)
    assert fail_from(client, "203.0.113.3", 2) == [400, 429]
    response = sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE)
    assert response.status_code == 429
    assert "15 minutes" in response.content.decode()


def test_the_pause_is_audited_as_an_account_pause(client, analyst):
    for i in range(3):
        fail_from(client, f"203.0.113.{i + 1}", 5)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT, details__lock="account").first()
    assert event is not None and event.actor_username == "analyst"


def test_one_address_counts_at_most_the_pair_limit_towards_the_account(client, analyst):
    fail_from(client, "203.0.113.1", 40)
    fail_from(client, "203.0.113.2", 5)
    # 5 + 5 counted, under the account limit of 12.
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_changing_user_agent_does_not_let_one_address_count_more(client, analyst):
    for i in range(15):
        sign_in_password(client, "analyst", WRONG, HTTP_X_REAL_IP="203.0.113.1", HTTP_USER_AGENT=f"bot/{i}")
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_the_pause_lifts_once_the_failures_are_older_than_the_window(client, analyst):
    for i in range(3):
        fail_from(client, f"203.0.113.{i + 1}", 5)
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_attempts_while_paused_do_not_prolong_the_pause(client, analyst):
    for i in range(3):
        fail_from(client, f"203.0.113.{i + 1}", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    before = sorted(AccessAttempt.objects.values_list("failures_since_start", flat=True))
    fail_from(client, "203.0.113.9", 3)  # refused: no password is checked
    assert sorted(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == before


def test_the_brake_can_be_turned_off(client, analyst, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 0
    for i in range(4):
        fail_from(client, f"203.0.113.{i + 1}", 5)
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302
