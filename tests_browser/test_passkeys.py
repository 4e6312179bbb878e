"""A passkey in real Chromium: registered through a one-time enrolment link, then used to sign in.

Chromium's DevTools protocol gives the page a virtual authenticator (CTAP2,
built in, with user verification), so no hardware is needed. The live server
answers at http://localhost:<port>: the RP ID is "localhost" (browsers refuse
an IP address as RP ID), and outside production the page's own origin is
accepted when its host is the RP ID (staff.passkeys.StaffWebAuthnHelper).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp_webauthn.models import WebAuthnCredential

from staff.enrolment import enrolment_link_create
from staff.models import AuditEvent
from testsupport.personas import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def add_virtual_authenticator(window) -> dict:
    cdp = window.context.new_cdp_session(window.page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return {"cdp": cdp, "id": authenticator["authenticatorId"]}


def test_a_newcomer_registers_a_passkey_through_an_enrolment_link_and_signs_in_with_it(
    live_server, windows, step, settings
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    base = live_server.url
    assert urlsplit(base).hostname == "localhost"
    user = get_user_model().objects.create_user("newcomer", password=TEST_PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="Analyst")[0])
    _link, token = enrolment_link_create(user=user)

    window = windows(base, "newcomer")
    authenticator = add_virtual_authenticator(window)
    page = window.page

    with step("01 the link and the password"):
        window.go(f"/staff/enrol/link/?t={token}")
        assert "newcomer" in page.inner_text("h1")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/staff/enrol/")
        window.assert_clean("enrolment page")

    with step("02 register the passkey"):
        page.click("#passkey-register-button")
        page.wait_for_url(f"{base}/staff/", timeout=20_000)
        assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
        credentials = authenticator["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": authenticator["id"]})
        assert len(credentials["credentials"]) == 1
        assert "You have no recovery codes" in page.inner_text("main")
        window.assert_clean("after registering")

    with step("03 sign out, sign in with the password and the passkey"):
        page.click("button:has-text('Log out')")
        window.go("/staff/login/")
        page.fill("input[name=username]", "newcomer")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/staff/verify/**")
        assert "newcomer" in page.inner_text("h1")
        page.click("#passkey-verification-button")
        page.wait_for_url(lambda url: "/staff/verify/" not in url and "/staff/login/" not in url, timeout=20_000)
        window.go("/staff/")
        assert "newcomer" in page.inner_text(".staff-who")
        window.assert_clean("signed in with the passkey")

    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", "details"))
    assert ("passkey_registered", {"passkey": credentials_pk(user), "via": "enrolment link"}) in actions
    assert ("login", {"method": "passkey"}) in actions


def credentials_pk(user) -> int:
    return WebAuthnCredential.objects.get(user=user).pk


def test_a_signed_in_person_adds_a_passkey_from_the_account_page(live_server, windows, step, settings):
    from testsupport.personas import make_staff, totp_now

    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    base = live_server.url
    user = make_staff("senior", "sam")
    window = windows(base, "sam")
    add_virtual_authenticator(window)
    page = window.page

    with step("01 sign in with the app"):
        window.go("/staff/login/")
        page.fill("input[name=username]", "sam")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/staff/verify/**")
        page.fill("input[name=otp_token]", totp_now(user.totp_device))
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/staff/verify/" not in url)

    with step("02 add a passkey"):
        window.go("/staff/")
        # Registered, the page follows the server to the account page again.
        with page.expect_navigation(timeout=20_000):
            page.click("#passkey-register-button")
        assert "Passkeys\n1" in page.inner_text("main")
        window.assert_clean("after adding a passkey")

    device = WebAuthnCredential.objects.get(user=user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSKEY_REGISTERED, actor=user)
    assert event.details == {"passkey": device.pk, "via": "account page"}
