"""RDAP redirects and partner webhooks cannot be turned on our own network, and fec0::/10 is refused
like other internal addresses (issue 15, item 7).

Before: a liveness check refused internal addresses, but an RDAP server's redirect could send the
look-up to any loopback service (plain http was allowed there "for tests"), a webhook URL could name
any https address (10/8, fec0::/10, the metadata service), and a webhook's name was never looked at
again when notices went out, though its DNS may have changed since it was saved.
"""

import ipaddress
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from enrichment import netguard
from takedown import rdap
from takedown.models import Recipient
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from testsupport.loopback import LoopbackServer, Reply
from testsupport.rdap_fixtures import answer, load, moved, registry
from testsupport.takedown import confirm, located_record, partner
from testsupport.webhook_receiver import WebhookReceiver

IP = "203.0.113.7"
SECRET = "partner-shared-secret"  # noqa: S105


@pytest.fixture(autouse=True)
def _production_rules(settings):
    settings.CHECK_ALLOW_NETWORKS = []
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_TIMEOUT = 2
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    settings.WEBHOOK_TIMEOUT = 5


@pytest.mark.parametrize("address", ["fec0::1", "fec0:1234::5", "feff:ffff::1", "::ffff:10.0.0.1"])
def test_site_local_and_other_internal_ipv6_addresses_are_refused(address):
    assert netguard.blocked_reason(ipaddress.ip_address(address)) is not None


def test_an_rdap_redirect_to_another_service_on_an_internal_address_is_refused_before_connecting(settings):
    internal = LoopbackServer(lambda request: Reply(200, [("Content-Length", "2")], [b"{}"])).start()
    try:
        routes = {f"/arin/ip/{IP}": moved(f"http://127.0.0.1:{internal.port}/ip/{IP}")}
        with registry(routes) as server:
            settings.RDAP_SERVERS = [server.url("/arin/")]
            with pytest.raises(rdap.RdapError, match="loopback address"):
                rdap.abuse_lookup(IP)
        assert internal.requests == []
    finally:
        internal.stop()


def test_an_rdap_redirect_on_the_same_server_is_still_followed(settings):
    routes = {f"/arin/ip/{IP}": moved(f"/ripe/ip/{IP}"), f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        assert rdap.abuse_lookup(IP).network.email == "abuse@example-hosting.co.uk"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/notices",
        "https://[fec0::1]/notices",
        "https://169.254.169.254/latest",
        "https://[::ffff:192.168.0.1]/x",
        "http://127.0.0.1:6379/",
        "https://partner-inside.example/notices",
    ],
)
def test_a_webhook_url_on_an_internal_address_is_refused_when_saved(monkeypatch, url):
    monkeypatch.setattr(netguard, "resolve", lambda host: [ipaddress.ip_address("10.9.8.7")])
    contact = Recipient(kind=Recipient.Kind.PARTNER_HOTLINE, name="P", webhook_url=url, webhook_secret=SECRET)
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert "webhook_url" in refused.value.message_dict
    assert "internal" in " ".join(refused.value.message_dict["webhook_url"])


@pytest.mark.django_db
def test_a_webhook_whose_address_became_internal_is_not_posted_to(analyst, senior):
    receiver = WebhookReceiver(secret=SECRET).start()
    try:
        # Saved while allowed (or before its name moved inside); the rule holds at send time.
        partner("Offlimits", countries="NL", webhook_url=receiver.url, webhook_secret=SECRET)
        confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior)
        [batch_id] = notices_batch()
        assert delivery.batch_deliver(batch_id=batch_id) == "retry"
        assert (receiver.accepted, receiver.rejected) == ([], 0)
    finally:
        receiver.stop()
