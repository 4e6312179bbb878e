"""Passkeys are offered only at the RP ID's host: elsewhere (127.0.0.1, say) the browser
would refuse, so the page loads no passkey script and says where they work."""

import pytest

from testsupport.personas import FormClient, login_verified, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam():
    return login_verified(FormClient(), make_staff("analyst", "sam"))


def test_at_the_rp_id_the_account_page_offers_a_passkey(sam, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    body = sam.get("/staff/", HTTP_HOST="localhost:8000").content.decode()
    assert 'id="otp_webauthn_config"' in body and "otp_webauthn_register.js" in body
    assert 'id="passkey-registration-available-template"' in body


def test_elsewhere_it_says_where_passkeys_work_and_loads_no_script(sam, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    body = sam.get("/staff/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "otp_webauthn" not in body
    assert "Passkeys work only when these pages are opened at <strong>localhost</strong>" in body
