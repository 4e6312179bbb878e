"""Issue 18: between the password and the second factor nobody is logged in yet, so the
pages of that step must name the person themselves (they used to show a blank name)."""

import pytest

from testsupport.personas import TEST_PASSWORD, FormClient, login_password_only, make_staff
from testsupport.staff import open_enrolment_link

pytestmark = pytest.mark.django_db


def test_the_verify_page_names_the_person_signing_in():
    client = login_password_only(FormClient(), make_staff("analyst", "pat"))
    body = client.get("/staff/verify/").content.decode()
    assert "Second step for pat" in body
    assert "shown for <strong>pat</strong>" in body


def test_the_enrolment_pages_name_the_person_enrolling(django_user_model):
    user = django_user_model.objects.create_user("robin", password=TEST_PASSWORD)
    body = open_enrolment_link(FormClient(), user).content.decode()
    assert "sign-in for <strong>robin</strong>" in body
    assert "Account: robin" in body
