import pytest
from django.contrib.sessions.models import Session

from staff.models import AuditEvent
from testsupport.personas import FormClient
from testsupport.staff import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


def test_logging_out_ends_the_session_on_the_server(client, analyst):
    sign_in(client, analyst)
    stolen = client.cookies["sessionid"].value
    response = client.post("/staff/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()

    replay = FormClient()
    replay.cookies["sessionid"] = stolen
    assert not is_signed_in(replay)


def test_logging_out_needs_a_post(client, analyst):
    sign_in(client, analyst)
    assert client.get("/staff/logout/").status_code == 405
    assert is_signed_in(client)


def test_logging_out_is_audited(client, analyst):
    sign_in(client, analyst)
    client.post("/staff/logout/")
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT).actor == analyst


def test_the_login_page_says_you_are_signed_out(client, analyst):
    sign_in(client, analyst)
    response = client.post("/staff/logout/", follow=True)
    assert "You are signed out" in response.content.decode()
