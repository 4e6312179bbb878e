"""Issue 15 items 3 and 4, as an attacker would try them.

3. A manager resets an analyst's password and removes their authenticator,
   then signs in as them: must be impossible for one manager alone.
4. Anyone locks staff out: made-up names from the office address, or a few
   failures from a few addresses against a named account.
"""

import pytest
from django_otp import devices_for_user

from testsupport.personas import TEST_PASSWORD, FormClient
from testsupport.staff import sign_in_password

pytestmark = pytest.mark.django_db

NEW = "the managers own choice 2026"
WRONG = "not the password, sorry"


def test_one_manager_cannot_reset_a_password_remove_the_device_and_enrol_as_the_analyst(manager_client, analyst):
    manager_client.post(f"/admin/auth/user/{analyst.pk}/password/", {"password1": NEW, "password2": NEW})
    for device in list(devices_for_user(analyst, confirmed=None)):
        manager_client.post(
            f"/admin/{device._meta.app_label}/{device._meta.model_name}/{device.pk}/delete/", {"post": "yes"}
        )
    # Whatever the admin answered, the analyst's account is as it was.
    analyst.refresh_from_db()
    assert analyst.check_password(TEST_PASSWORD)
    assert not analyst.check_password(NEW)
    assert list(devices_for_user(analyst, confirmed=True))
    # And the manager cannot get to the enrolment page with the new password.
    intruder = FormClient()
    response = sign_in_password(intruder, "analyst", NEW)
    assert response.status_code == 400


def test_made_up_names_from_the_office_do_not_lock_the_office_out(analyst, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    attacker, colleague = FormClient(), FormClient()
    for i in range(25):
        sign_in_password(attacker, f"nobody{i}", WRONG, HTTP_X_REAL_IP="198.51.100.7")
    assert sign_in_password(colleague, "analyst", HTTP_X_REAL_IP="198.51.100.7").status_code == 302


def test_a_few_failures_from_a_few_addresses_do_not_lock_a_named_account(analyst, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    attacker = FormClient()
    for i in range(5):
        sign_in_password(attacker, "analyst", WRONG, HTTP_X_REAL_IP=f"203.0.113.{i + 1}")
    assert sign_in_password(FormClient(), "analyst", HTTP_X_REAL_IP="198.51.100.7").status_code == 302


def test_hammering_from_one_address_never_locks_the_account_elsewhere(analyst, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    attacker = FormClient()
    for _ in range(60):
        sign_in_password(attacker, "analyst", WRONG, HTTP_X_REAL_IP="203.0.113.66")
    assert sign_in_password(FormClient(), "analyst", HTTP_X_REAL_IP="198.51.100.7").status_code == 302
