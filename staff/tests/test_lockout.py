import pytest

from staff.models import AuditEvent
from testsupport.personas import totp_now
from testsupport.staff import is_signed_in, send_code, sign_in_password

pytestmark = pytest.mark.django_db

WRONG = "not the password, sorry"


@pytest.fixture(autouse=True)
def _five_failures_lock(settings):
    settings.AXES_FAILURE_LIMIT = 5
    # The device's own doubling delay would refuse to check the next code
    # within a second; these tests are about the lockout count instead.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong_code(user) -> str:
    return "000000" if totp_now(user.totp_device) != "000000" else "111111"


def test_five_wrong_passwords_lock_the_account_with_a_calm_page(client, analyst):
    statuses = [sign_in_password(client, "analyst", WRONG).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    response = sign_in_password(client, "analyst")  # the right password, too late
    assert response.status_code == 429
    body = response.content.decode()
    assert "try again in 30 minutes" in body
    assert "contact a manager" in body


def test_the_lockout_is_audited(client, analyst):
    for _ in range(5):
        sign_in_password(client, "analyst", WRONG)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_username="analyst").count() == 5
    lockout = AuditEvent.objects.get(action=AuditEvent.Action.LOCKOUT)
    assert lockout.actor_username == "analyst"


def test_failures_for_one_name_from_one_address_lock_only_that_name_there(client, analyst, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(5):
        sign_in_password(client, "guess", WRONG, HTTP_X_REAL_IP="198.51.100.7")
    assert sign_in_password(client, "guess", WRONG, HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    assert sign_in_password(client, "guess", WRONG, HTTP_X_REAL_IP="198.51.100.8").status_code == 400
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP="198.51.100.7").status_code == 302


def test_five_wrong_codes_end_the_session_and_lock_the_account(client, analyst):
    sign_in_password(client, "analyst")
    statuses = [send_code(client, wrong_code(analyst)).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert not is_signed_in(client)
    assert client.get("/staff/verify/")["Location"].startswith("/staff/login/")
    assert sign_in_password(client, "analyst").status_code == 429
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).exists()


def test_signing_in_again_with_the_password_does_not_reset_the_count_of_wrong_codes(client, analyst):
    for _ in range(2):
        sign_in_password(client, "analyst")
        send_code(client, wrong_code(analyst))
        send_code(client, wrong_code(analyst))
        client.post("/staff/logout/")
    sign_in_password(client, "analyst")
    assert send_code(client, wrong_code(analyst)).status_code == 429


def test_passing_the_second_factor_forgives_earlier_failures(client, analyst):
    for _ in range(4):
        sign_in_password(client, "analyst", WRONG)
    sign_in_password(client, "analyst")
    send_code(client, totp_now(analyst.totp_device))
    client.post("/staff/logout/")
    for _ in range(4):
        assert sign_in_password(client, "analyst", WRONG).status_code == 400


def test_a_device_waits_longer_after_each_wrong_code(client, analyst, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    sign_in_password(client, "analyst")
    assert send_code(client, wrong_code(analyst)).status_code == 400
    response = send_code(client, totp_now(analyst.totp_device))
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert not is_signed_in(client)


def test_successful_sign_ins_leave_no_client_address_in_axes_access_log(client, analyst):
    from axes.models import AccessAttempt, AccessLog

    sign_in_password(client, "analyst", WRONG)
    # Failure records stay: they are what the lockout counts.
    assert AccessAttempt.objects.exists()
    sign_in_password(client, "analyst")
    send_code(client, totp_now(analyst.totp_device))
    assert is_signed_in(client)
    assert not AccessLog.objects.exists()
