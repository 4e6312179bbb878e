import pytest
from django.contrib.sessions.models import Session

from testsupport.personas import FormClient
from testsupport.staff import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


def test_a_deactivated_analyst_is_signed_out_at_once(analyst_client, analyst):
    assert is_signed_in(analyst_client)
    analyst.is_active = False
    analyst.save()
    response = analyst_client.get("/staff/")
    assert response["Location"].startswith("/staff/login/")


def test_deactivation_deletes_the_sessions_of_that_account_only(analyst, senior):
    analyst_browser, senior_browser = FormClient(), FormClient()
    sign_in(analyst_browser, analyst)
    sign_in(senior_browser, senior)
    analyst_key = analyst_browser.cookies["sessionid"].value
    analyst.is_active = False
    analyst.save()
    assert not Session.objects.filter(session_key=analyst_key).exists()
    assert is_signed_in(senior_browser)


def test_even_without_the_signal_an_inactive_account_is_refused_on_the_next_request(analyst_client, analyst):
    # An update() skips signals: Django's backend still refuses the user per request.
    type(analyst).objects.filter(pk=analyst.pk).update(is_active=False)
    assert not is_signed_in(analyst_client)
