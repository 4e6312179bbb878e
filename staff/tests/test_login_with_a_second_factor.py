import pytest

from staff.models import AuditEvent
from staff.testing import make_staff, totp_now
from staff.tests.helpers import is_signed_in, send_code, sign_in, sign_in_password

pytestmark = pytest.mark.django_db


def test_the_login_page_asks_for_username_and_password(client):
    response = client.get("/staff/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_password_then_a_code_signs_an_analyst_in(client, analyst):
    response = sign_in_password(client, "analyst")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/verify/")
    response = send_code(client, totp_now(analyst.totp_device))
    assert response.status_code == 302
    assert is_signed_in(client)


def test_signing_in_goes_back_to_the_page_that_asked(client, manager):
    response = client.get("/staff/audit/?action=login")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fstaff%2Faudit%2F%3Faction%3Dlogin"
    response = client.post(
        "/staff/login/", {"username": "manager", "password": "correct horse battery staple 42", "next": "/staff/audit/"}
    )
    assert response["Location"] == "/staff/verify/?next=%2Fstaff%2Faudit%2F"
    response = client.post("/staff/verify/", {"otp_token": totp_now(manager.totp_device), "next": "/staff/audit/"})
    assert response["Location"] == "/staff/audit/"


def test_a_next_address_on_another_site_is_ignored(client, analyst):
    sign_in_password(client, "analyst")
    response = client.post(
        "/staff/verify/", {"otp_token": totp_now(analyst.totp_device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_wrong_code_is_refused_and_the_session_stays_unverified(client, analyst):
    sign_in_password(client, "analyst")
    right = totp_now(analyst.totp_device)
    response = send_code(client, "000000" if right != "000000" else "111111")
    assert response.status_code == 400
    assert "did not work" in response.content.decode()
    assert not is_signed_in(client)


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(client, analyst):
    response = sign_in_password(client, "analyst", "not the password at all")
    assert response.status_code == 400
    assert "username and password did not match" in response.content.decode()
    response = sign_in_password(client, "nobody", "not the password at all")
    assert "username and password did not match" in response.content.decode()


def test_an_inactive_account_cannot_sign_in(client):
    make_staff("analyst", "gone", is_active=False)
    assert sign_in_password(client, "gone").status_code == 400


def test_signing_in_is_audited_once_with_the_method(client, analyst):
    sign_in(client, analyst)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN)
    assert [(e.actor, e.details) for e in events] == [(analyst, {"method": "totp"})]


def test_a_failed_login_is_audited_with_the_typed_name_and_never_the_password(client, analyst):
    sign_in_password(client, "analyst", "hunter2 is my secret")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == "analyst"
    stored = f"{event.summary} {event.details} {event.target_id}"
    assert "hunter2" not in stored


def test_the_login_session_key_changes_at_sign_in(client, analyst):
    client.get("/staff/login/")
    client.cookies["sessionid"] = "fixated-by-an-attacker"
    sign_in(client, analyst)
    assert client.cookies["sessionid"].value != "fixated-by-an-attacker"


def test_a_manager_without_a_queue_lands_on_the_account_page(client, manager):
    sign_in_password(client, "manager")
    response = send_code(client, totp_now(manager.totp_device))
    assert response["Location"] == "/staff/"
    assert ">Queue<" not in client.get("/staff/").content.decode()


def test_an_analyst_lands_on_the_queue(client, analyst):
    from django.urls import reverse

    assert client.get("/staff/login/").context["next"] == ""
    sign_in_password(client, "analyst")
    response = send_code(client, totp_now(analyst.totp_device))
    assert response["Location"] == reverse("triage:queue")
