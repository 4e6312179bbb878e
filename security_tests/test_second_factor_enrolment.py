"""Issue 15.1: a password alone never reaches a second-factor secret, by any route.

An account with no second factor, whose password is known, tries every door
that used to or could lead to enrolling: the sign-in form, the enrolment page,
the passkey registration endpoints, the admin. None shows a TOTP secret or a
QR code, none hands out passkey registration options, and no device is made.
With a one-time link, every visit gets its own secret.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from staff.enrolment import enrolment_link_create
from testsupport.personas import TEST_PASSWORD, FormClient

pytestmark = [pytest.mark.security, pytest.mark.django_db]

SECRET = re.compile(r"otpauth://|<svg|secret=|[A-Z2-7]{32}")


@pytest.fixture
def newcomer(django_user_model):
    return django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)


def test_a_password_alone_reaches_no_secret_by_any_route(newcomer):
    client = FormClient()
    answers = [client.post("/staff/login/", {"username": "newcomer", "password": TEST_PASSWORD}, follow=True)]
    for path in ("/staff/enrol/", "/staff/verify/", "/staff/", "/admin/"):
        answers.append(client.get(path, follow=True))
        answers.append(client.post(path, {"otp_token": "123456"}, follow=True))
    for path in ("/staff/passkeys/register/begin/", "/staff/passkeys/auth/begin/"):
        response = client.post(path)
        assert response.status_code == 403, path
        answers.append(response)
    for response in answers:
        assert not SECRET.search(response.content.decode()), response.request["PATH_INFO"]
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert not WebAuthnCredential.objects.filter(user=newcomer).exists()


def test_each_visit_through_a_link_gets_its_own_secret_and_none_is_stored(newcomer):
    secrets = []
    for _ in range(2):
        _link, token = enrolment_link_create(user=newcomer)
        client = FormClient()
        client.post("/staff/enrol/link/", {"t": token, "password": TEST_PASSWORD})
        body = client.get("/staff/enrol/").content.decode()
        secrets.append("".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", body)))
    assert all(secrets) and secrets[0] != secrets[1]
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_a_link_without_the_password_reaches_no_secret(newcomer):
    _link, token = enrolment_link_create(user=newcomer)
    client = FormClient()
    opened = client.get(f"/staff/enrol/link/?t={token}")
    assert opened.status_code == 200 and not SECRET.search(opened.content.decode())
    assert not SECRET.search(client.get("/staff/enrol/", follow=True).content.decode())
    assert client.post("/staff/passkeys/register/begin/").status_code == 403
