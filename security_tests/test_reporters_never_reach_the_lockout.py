"""django-axes keeps staff client addresses (for lockouts, in AccessAttempt,
until the cool-off ends). Reporters must never reach it: nothing on the
public side calls authenticate() or sends a login-failure signal."""

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.test import Client

from testsupport.reports import is_confirmation, send_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_forbidden(monkeypatch):
    calls: list[str] = []
    for name in ("is_allowed", "user_login_failed", "user_logged_in", "get_failures"):
        monkeypatch.setattr(AxesProxyHandler, name, classmethod(lambda cls, *a, _n=name, **k: calls.append(_n)))
    return calls


def test_a_report_and_its_status_page_never_reach_django_axes(axes_forbidden, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    client = Client()
    response = send_report(client, REMOTE_ADDR="203.0.113.50", HTTP_X_REAL_IP="203.0.113.50", HTTP_USER_AGENT="a")
    assert is_confirmation(response)
    client.get("/status/", HTTP_X_REAL_IP="203.0.113.50")
    assert axes_forbidden == []
    assert not AccessAttempt.objects.exists()


def test_a_wrong_member_api_key_never_reaches_django_axes(axes_forbidden):
    response = Client().get("/api/v1/urllist/", HTTP_AUTHORIZATION="Bearer not-a-real-key")
    assert response.status_code in (401, 403)
    assert axes_forbidden == []
