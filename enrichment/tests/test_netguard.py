"""The address decision itself, for addresses tests must never connect to."""

from __future__ import annotations

import ipaddress
import types

import dns.resolver
import pytest

from enrichment import hosting, netguard
from enrichment.netguard import blocked_reason, port_allowed, unwrap


def ip(text):
    return ipaddress.ip_address(text)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("::1", "loopback address ::1"),
        ("0.0.0.0", "unspecified address 0.0.0.0"),
        ("::", "unspecified address ::"),
        ("10.0.0.1", "private address 10.0.0.1"),
        ("172.16.5.4", "private address 172.16.5.4"),
        ("192.168.0.1", "private address 192.168.0.1"),
        ("169.254.1.1", "link-local address 169.254.1.1"),
        ("fe80::1", "link-local address fe80::1"),
        ("100.64.0.1", "shared address space (CGNAT) address 100.64.0.1"),
        ("100.127.255.254", "shared address space (CGNAT) address 100.127.255.254"),
        ("224.0.0.251", "multicast address 224.0.0.251"),
        ("ff02::1", "multicast address ff02::1"),
        ("fd00::1", "private address fd00::1"),
        ("240.0.0.1", "private address 240.0.0.1"),
        ("192.0.2.1", "private address 192.0.2.1"),  # documentation range
        ("2001:db8::1", "private address 2001:db8::1"),
        ("::7f00:1", "reserved address ::7f00:1"),  # deprecated IPv4-compatible form
        ("169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("fd00:ec2::254", "cloud metadata address fd00:ec2::254"),
        ("100.100.100.200", "cloud metadata address 100.100.100.200"),
        ("::ffff:127.0.0.1", "loopback address 127.0.0.1 (inside ::ffff:7f00:1)"),
        ("::ffff:169.254.169.254", "cloud metadata address 169.254.169.254 (inside ::ffff:a9fe:a9fe)"),
        ("2002:0a00:0001::1", "private address 10.0.0.1 (inside 2002:a00:1::1)"),
        (
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "loopback address 127.0.0.1 (inside 2001:0:4136:e378:8000:63bf:80ff:fffe)",
        ),
        ("64:ff9b::c0a8:1", "private address 192.168.0.1 (inside 64:ff9b::c0a8:1)"),
        ("64:ff9b:1::a9fe:a9fe", "cloud metadata address 169.254.169.254 (inside 64:ff9b:1::a9fe:a9fe)"),
    ],
)
def test_it_names_why_an_address_is_refused(address, reason):
    assert blocked_reason(ip(address)) == reason


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808"],
)
def test_it_allows_public_addresses_and_their_wrapped_forms(address):
    assert blocked_reason(ip(address)) is None


def test_it_unwraps_each_ipv6_form_to_the_ipv4_address_inside():
    assert unwrap(ip("::ffff:10.0.0.1")) == ip("10.0.0.1")
    assert unwrap(ip("2002:0a00:0001::")) == ip("10.0.0.1")
    assert unwrap(ip("2001:0:4136:e378:8000:63bf:f5ff:fffe")) == ip("10.0.0.1")
    assert unwrap(ip("64:ff9b::a00:1")) == ip("10.0.0.1")
    assert unwrap(ip("2606:4700::1111")) == ip("2606:4700::1111")


def test_it_allows_networks_listed_for_labs(settings):
    settings.CHECK_ALLOW_NETWORKS = ["10.0.0.0/8", "::1/128"]

    assert blocked_reason(ip("10.20.30.40")) is None
    assert blocked_reason(ip("::ffff:10.20.30.40")) is None
    assert blocked_reason(ip("::1")) is None
    assert blocked_reason(ip("192.168.0.1")) is not None


def test_it_refuses_ipv6_zone_identifiers():
    assert blocked_reason(ip("fe80::1%eth0")) == "IPv6 zone identifier in fe80::1%eth0"


@pytest.mark.parametrize(
    ("scheme", "port", "allowed"),
    [
        ("http", None, True),
        ("https", None, True),
        ("http", 80, True),
        ("https", 443, True),
        ("http", 443, True),
        ("http", 22, False),
        ("https", 8443, False),
        ("ftp", 21, False),
        ("ftp", None, False),
    ],
)
def test_it_allows_only_web_ports(scheme, port, allowed):
    assert port_allowed(scheme, port) is allowed


def test_it_allows_the_extra_ports_configured(settings):
    settings.CHECK_ALLOW_PORTS = [8080]

    assert port_allowed("http", 8080)
    assert not port_allowed("http", 8081)


def test_it_answers_localhost_without_asking_dns():
    assert netguard.resolve("localhost") == [ip("127.0.0.1"), ip("::1")]
    assert netguard.resolve("shop.localhost.") == [ip("127.0.0.1"), ip("::1")]


def test_it_sends_no_dns_query_during_tests():
    with pytest.raises(netguard.DnsError, match="DNS disabled during tests"):
        netguard.resolve("example.com")


def test_it_resolves_names_as_absolute_with_a_lifetime(monkeypatch, settings):
    settings.DNS_TIMEOUT = 2
    monkeypatch.setattr(netguard, "TEST_LOOPBACK_ONLY", False)
    asked = []

    def fake_resolve(self, qname, rdtype, search=None, lifetime=None, **kwargs):
        asked.append((str(qname), rdtype, search, lifetime <= 2))
        if rdtype == "AAAA":
            raise dns.resolver.NoAnswer()
        return [types.SimpleNamespace(address="93.184.215.14")]

    monkeypatch.setattr(dns.resolver.Resolver, "resolve", fake_resolve)
    # The suite-wide guard swaps the default resolver out; this test wants dnspython's, patched above.
    monkeypatch.setattr(hosting, "_default_resolver", lambda: dns.resolver.Resolver(configure=False))

    assert netguard.resolve("Example.COM.") == [ip("93.184.215.14")]
    assert asked == [("example.com.", "A", False, True), ("example.com.", "AAAA", False, True)]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (dns.resolver.NXDOMAIN, "no DNS answer for gone.test"),
        (dns.resolver.LifetimeTimeout, "no DNS answer for gone.test ("),
    ],
)
def test_it_says_no_dns_answer_when_a_name_does_not_resolve(monkeypatch, failure, message):
    monkeypatch.setattr(netguard, "TEST_LOOPBACK_ONLY", False)

    def fail(self, *args, **kwargs):
        raise failure()

    monkeypatch.setattr(dns.resolver.Resolver, "resolve", fail)
    monkeypatch.setattr(hosting, "_default_resolver", lambda: dns.resolver.Resolver(configure=False))

    with pytest.raises(netguard.DnsError) as raised:
        netguard.resolve("gone.test")
    assert str(raised.value).startswith(message)
