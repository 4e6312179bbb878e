"""Issue 15, item 1: the enrolment holes, one test each.

Written before the fix and seen failing on the old code, where a password
alone led to /staff/enrol/: the secret was shown to whoever held that pending
session, the same unconfirmed device (and secret) was handed to every visitor,
opening the page left nothing on the trail, and an account holding recovery
codes but no authenticator was sent to enrol and lost its codes.
"""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEvent
from testsupport.personas import TEST_PASSWORD, FormClient, recovery_codes_make
from testsupport.staff import is_signed_in, open_enrolment_link, send_code, sign_in_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)
    user.groups.add(Group.objects.get(name="Analyst"))
    return user


def shown_secret(response) -> str:
    return "".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", response.content.decode()))


def open_enrolment(client, user):
    """Whatever way the site offers a newcomer to reach the enrolment page (now: a link and the password)."""
    return open_enrolment_link(client, user)


def test_a_password_alone_never_reaches_an_enrolment_secret(client, newcomer):
    response = sign_in_password(client, "newcomer")
    assert not response.get("Location", "").startswith("/staff/enrol/")
    page = client.get("/staff/enrol/", follow=True)
    assert "<svg" not in page.content.decode()
    assert shown_secret(page) == ""


def test_two_visitors_are_never_shown_the_same_secret(newcomer):
    first, second = FormClient(), FormClient()
    one = shown_secret(open_enrolment(first, newcomer))
    two = shown_secret(open_enrolment(second, newcomer))
    assert one and two and one != two
    # Nor is any secret kept for a visitor to be handed: nothing is stored until confirmed.
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_opening_the_enrolment_page_is_on_the_trail(client, newcomer):
    open_enrolment(client, newcomer)
    shown = AuditEvent.objects.filter(action=AuditEvent.Action.ENROLMENT_STARTED, target_id=str(newcomer.pk))
    assert shown.filter(summary__startswith="Opened the enrolment page").count() == 1


def test_an_account_with_recovery_codes_only_signs_in_with_one_and_keeps_the_rest(client, newcomer):
    codes = recovery_codes_make(newcomer)
    response = sign_in_password(client, "newcomer")
    assert response["Location"].startswith("/staff/verify/")
    assert StaticToken.objects.filter(device__user=newcomer).count() == 10
    send_code(client, codes[0])
    assert is_signed_in(client)
    assert StaticToken.objects.filter(device__user=newcomer).count() == 9
