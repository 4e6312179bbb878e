"""What a recipient must have before notices can go to it."""

import pytest
from django.core.exceptions import ValidationError

from takedown.models import Recipient


def _partner(**fields) -> Recipient:
    fields.setdefault("webhook_secret", "shared secret")
    return Recipient(kind=Recipient.Kind.PARTNER_HOTLINE, name="Partner", countries="NL", **fields)


@pytest.mark.parametrize(
    "url", ["https://partner.example/hook", "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/h"]
)
def test_a_webhook_uses_https_or_loopback(url, settings):
    # Loopback only where allowed, as in a test or lab set-up (see netguard.url_refusal).
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    _partner(webhook_url=url).clean()


@pytest.mark.parametrize("url", ["http://partner.example/hook", "http://192.0.2.1/hook", "ftp://partner.example/"])
def test_a_webhook_in_clear_over_the_network_is_refused(url):
    with pytest.raises(ValidationError) as refused:
        _partner(webhook_url=url).clean()
    assert "https" in str(refused.value)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"countries": "NLD"}, "countries"),
        ({"asns": "AS12x"}, "asns"),
        ({"cidrs": "192.0.2.0/33"}, "cidrs"),
        ({"email": "", "webhook_url": ""}, "email"),
        ({"webhook_url": "https://p.example/h", "webhook_secret": ""}, "webhook_secret"),
    ],
)
def test_bad_recipient_fields_are_named(fields, field):
    recipient = Recipient(kind=Recipient.Kind.HOSTING_PROVIDER, name="Host", email="abuse@host.example")
    for name, value in fields.items():
        setattr(recipient, name, value)
    with pytest.raises(ValidationError) as refused:
        recipient.clean()
    assert field in refused.value.message_dict
