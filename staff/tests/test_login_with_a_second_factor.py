import pytest

from staff.models import AuditEvent
from testsupport.personas import make_staff, totp_now
from testsupport.staff import is_signed_in, send_code, sign_in, sign_in_password

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


def test_the_password_alone_does_not_log_the_user_in(client, analyst):
    from django.contrib.auth import SESSION_KEY

    before = client.cookies.get("sessionid")
    sign_in_password(client, "analyst")
    analyst.refresh_from_db()
    assert analyst.last_login is None
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    assert client.get("/staff/")["Location"].startswith("/staff/verify/")
    pending_key = client.cookies["sessionid"].value
    assert before is None or before.value != pending_key

    send_code(client, totp_now(analyst.totp_device))
    analyst.refresh_from_db()
    assert analyst.last_login is not None
    assert client.session[SESSION_KEY] == str(analyst.pk)
    assert client.cookies["sessionid"].value != pending_key  # rotated again at login
    assert is_signed_in(client)


def test_a_half_finished_sign_in_expires(client, analyst):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in_password(client, "analyst")
        clock.shift(timedelta(minutes=31))
        response = send_code(client, totp_now(analyst.totp_device))
        assert response["Location"].startswith("/staff/login/")
        assert not is_signed_in(client)


def test_a_half_finished_sign_in_ends_when_the_account_is_deactivated(client, analyst):
    sign_in_password(client, "analyst")
    analyst.is_active = False
    analyst.save()
    assert send_code(client, totp_now(analyst.totp_device))["Location"].startswith("/staff/login/")
