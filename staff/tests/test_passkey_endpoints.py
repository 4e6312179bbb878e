"""The passkey endpoints refuse anyone who is not enrolling through a link, pending, or verified."""

import pytest

from staff.enrolment import enrolment_link_create
from testsupport.personas import TEST_PASSWORD, FormClient, login_password_only, make_staff

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/staff/passkeys/register/begin/",
    "/staff/passkeys/register/complete/",
    "/staff/passkeys/auth/begin/",
    "/staff/passkeys/auth/complete/",
]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_anonymous_visitor_is_refused(path):
    response = FormClient(enforce_csrf_checks=False).post(path, "{}", content_type="application/json")
    assert response.status_code == 403


def test_a_password_alone_cannot_register_a_passkey(django_user_model):
    user = django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)
    client = login_password_only(FormClient(), user)
    assert client.post("/staff/passkeys/register/begin/").status_code == 403


def test_an_enrolment_link_and_the_password_get_registration_options(django_user_model, settings):
    user = django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)
    _link, token = enrolment_link_create(user=user)
    client = FormClient()
    client.post("/staff/enrol/link/", {"t": token, "password": TEST_PASSWORD})
    response = client.post("/staff/passkeys/register/begin/")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID
    assert options["user"]["name"] == "newcomer"


def test_a_password_alone_gets_no_sign_in_challenge_for_someone_else():
    client = login_password_only(FormClient(), make_staff("analyst"))
    assert client.post("/staff/passkeys/auth/begin/").status_code == 200
    assert client.post("/staff/passkeys/auth/complete/", "{}", content_type="application/json").status_code >= 400


def test_a_signed_in_person_may_add_a_passkey(analyst_client):
    assert analyst_client.post("/staff/passkeys/register/begin/").status_code == 200


def test_a_failed_passkey_sign_in_is_on_the_trail_and_counts_towards_the_lockout():
    from axes.models import AccessAttempt

    from staff.models import AuditEvent

    user = make_staff("analyst")
    client = login_password_only(FormClient(), user)
    client.post("/staff/passkeys/auth/begin/")
    bogus = '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}'
    response = client.post("/staff/passkeys/auth/complete/", bogus, content_type="application/json")
    assert response.status_code >= 400
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED, actor_username=user.username)
    assert failed.details == {"stage": "passkey"}
    assert AccessAttempt.objects.filter(username=user.username, failures_since_start=1).exists()
    assert client.get("/staff/").status_code == 302  # still not signed in
