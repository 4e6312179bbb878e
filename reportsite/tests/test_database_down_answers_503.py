"""A database that is down or restarting gets a plain 503 page with Retry-After, never a 500."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from testsupport.reports import send_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_a_report_sent_while_the_database_is_down_gets_a_503_page(client, settings, error):
    settings.REPORT_MIN_FORM_SECONDS = 0
    with mock.patch("publicsite.views.report_submit", side_effect=error):
        response = send_report(client, ["http://example.com/a"])
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Service briefly unavailable" in body
    assert "server closed" not in body and "OperationalError" not in body


def test_any_other_error_is_still_a_500(client, settings):
    settings.REPORT_MIN_FORM_SECONDS = 0
    with mock.patch("publicsite.views.report_submit", side_effect=RuntimeError("bug")):
        response = send_report(client, ["http://example.com/a"])
    assert response.status_code == 500
    assert "Retry-After" not in response
