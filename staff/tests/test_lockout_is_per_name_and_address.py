"""Issue 15 item 4: nobody can lock people out cheaply.

Made-up names from an office address must not lock the real people at that
address; a handful of failures from a handful of addresses must not lock a
named account everywhere."""

import pytest

from testsupport.staff import sign_in_password

pytestmark = pytest.mark.django_db

WRONG = "not the password, sorry"
OFFICE = "198.51.100.7"


@pytest.fixture(autouse=True)
def _addresses_from_a_header(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"


def test_made_up_names_from_an_office_address_do_not_lock_the_real_people_there(client, analyst):
    for i in range(10):
        sign_in_password(client, f"guess{i}", WRONG, HTTP_X_REAL_IP=OFFICE)
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_one_failure_from_each_of_five_addresses_does_not_lock_the_account_everywhere(client, analyst):
    for i in range(5):
        sign_in_password(client, "analyst", WRONG, HTTP_X_REAL_IP=f"203.0.113.{i + 1}")
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_five_failures_from_each_of_five_addresses_do_not_lock_the_account_at_the_office(client, analyst, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 50
    for i in range(5):
        for _ in range(5):
            sign_in_password(client, "analyst", WRONG, HTTP_X_REAL_IP=f"203.0.113.{i + 1}")
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 302


def test_five_failures_for_one_name_from_one_address_lock_that_pair(client, analyst):
    statuses = [sign_in_password(client, "analyst", WRONG, HTTP_X_REAL_IP=OFFICE).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP=OFFICE).status_code == 429
    # The same person elsewhere, and someone else at the same address, are not locked.
    assert sign_in_password(client, "analyst", HTTP_X_REAL_IP="192.0.2.9").status_code == 302
