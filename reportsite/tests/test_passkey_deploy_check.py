from reportsite.checks import passkey_relying_party


def ids():
    return {message.id for message in passkey_relying_party(None)}


def test_production_needs_a_passkey_domain_that_fits_the_site(settings):
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = ["reports.example.org"]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    assert ids() == {"reportsite.W004"}
    settings.OTP_WEBAUTHN_RP_ID = "elsewhere.example"
    assert ids() == {"reportsite.W004"}
    settings.OTP_WEBAUTHN_RP_ID = "reports.example.org"
    assert ids() == set()
    settings.OTP_WEBAUTHN_RP_ID = "example.org"  # a parent domain is allowed by WebAuthn
    assert ids() == set()


def test_development_is_not_nagged(settings):
    settings.PRODUCTION = False
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    assert ids() == set()
