import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.enrolment import ENROLLING
from staff.models import AuditEvent
from testsupport.personas import TEST_PASSWORD, login_verified, make_staff
from testsupport.staff import enrolment_code, is_signed_in, open_enrolment_link, send_code, sign_in_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    """A new analyst: an account and a role, but no authenticator yet."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)
    user.groups.add(Group.objects.get(name="Analyst"))
    return user


def test_someone_without_a_second_factor_is_told_to_ask_for_an_enrolment_link(client, newcomer):
    response = sign_in_password(client, "newcomer")
    assert response.status_code == 403
    assert "enrolment link" in response.content.decode()
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED, actor_username="newcomer")
    assert failed.details == {"stage": "no_second_factor"}


def test_the_enrol_page_draws_the_qr_code_itself_and_shows_the_secret(client, newcomer):
    body = open_enrolment_link(client, newcomer).content.decode()
    secret = (
        TOTPDevice(key=client.session[ENROLLING]["totp_key"], user=newcomer)
        .config_url.split("secret=")[1]
        .split("&")[0]
    )
    assert "<svg" in body and "<path" in body
    assert "data:" not in body
    assert "<img" not in body
    assert "".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", body)) == secret


def test_reloading_the_enrol_page_keeps_the_same_secret_in_that_session(client, newcomer):
    first = open_enrolment_link(client, newcomer).content
    assert client.get("/staff/enrol/").content.count(b"<span>") == first.count(b"<span>")
    assert re.findall(rb"<span>([A-Z2-7]{1,4})</span>", first) == re.findall(
        rb"<span>([A-Z2-7]{1,4})</span>", client.get("/staff/enrol/").content
    )
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_a_wrong_code_does_not_confirm_the_authenticator(client, newcomer):
    open_enrolment_link(client, newcomer)
    right = enrolment_code(client)
    response = client.post("/staff/enrol/", {"otp_token": "123456" if right != "123456" else "654321"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()
    assert not is_signed_in(client)


def test_the_right_code_confirms_it_and_shows_ten_recovery_codes_once(client, newcomer):
    open_enrolment_link(client, newcomer)
    response = client.post("/staff/enrol/", {"otp_token": enrolment_code(client)})
    assert response.status_code == 200
    codes = re.findall(r'<span class="code">([a-z2-9]{5}-[a-z2-9]{5})</span>', response.content.decode())
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=newcomer).count() == 10
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert is_signed_in(client)
    assert AuditEvent.objects.filter(actor=newcomer, action=AuditEvent.Action.ENROLLED).count() == 1
    # Never again: the account page shows how many are left, not the codes.
    page = client.get("/staff/").content.decode()
    assert not any(code in page for code in codes)


def test_someone_with_an_authenticator_cannot_enrol_another_with_only_the_password(client):
    user = make_staff("analyst", "settled")
    sign_in_password(client, "settled")
    response = client.get("/staff/enrol/")
    assert response["Location"].startswith("/staff/verify/")
    response = client.post("/staff/enrol/", {"otp_token": "123456"})
    assert response["Location"].startswith("/staff/verify/")
    assert list(TOTPDevice.objects.filter(user=user)) == [user.totp_device]


def test_after_enrolling_the_next_sign_in_asks_for_a_code(client, newcomer):
    open_enrolment_link(client, newcomer)
    client.post("/staff/enrol/", {"otp_token": enrolment_code(client)})
    client.post("/staff/logout/")
    assert sign_in_password(client, "newcomer")["Location"].startswith("/staff/verify/")


def test_new_recovery_codes_replace_the_old_ones(client):
    from testsupport.personas import recovery_codes_make

    user = make_staff("analyst")
    old = recovery_codes_make(user)
    login_verified(client, user)
    response = client.post("/staff/recovery-codes/")
    new = re.findall(r'<span class="code">([a-z2-9-]{11})</span>', response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RECOVERY_CODES_ISSUED, actor=user).exists()
    client.post("/staff/logout/")
    sign_in_password(client, user.username)
    assert send_code(client, old[0]).status_code == 400


def test_wrong_codes_while_enrolling_count_towards_the_lockout(client, newcomer, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    open_enrolment_link(client, newcomer)
    right = enrolment_code(client)
    wrong = "123456" if right != "123456" else "654321"
    statuses = [client.post("/staff/enrol/", {"otp_token": wrong}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert client.get("/staff/enrol/")["Location"].startswith("/staff/login/")
    assert sign_in_password(client, "newcomer").status_code == 429
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_username="newcomer")
    assert failed.filter(details={"stage": "enrolment"}).count() == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).exists()
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()
