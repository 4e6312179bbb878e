"""Resolving host names to addresses, with fake resolvers only: no DNS packet leaves these tests."""

import socket
import types

import dns.message
import dns.name
import dns.rdata
import dns.resolver
import pytest

from enrichment import hosting


@pytest.fixture(autouse=True)
def no_network(monkeypatch, settings):
    """Fail loudly if anything here tries to reach a real name server."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to send network traffic")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(dns.resolver.Resolver, "resolve", refuse)
    monkeypatch.setattr(hosting, "_default_resolver", refuse)
    settings.DNS_TIMEOUT = 5.0


class FakeResolver:
    """Answers like dns.resolver.Resolver.resolve, from a table; records every query."""

    def __init__(self, table):
        self.table = table  # {(host, rdtype): list of addresses, or an exception to raise}
        self.queries = []

    def resolve(self, qname, rdtype, **kwargs):
        self.queries.append((qname, rdtype, kwargs))
        outcome = self.table.get((qname.to_text(omit_final_dot=True), rdtype), dns.resolver.NoAnswer())
        if isinstance(outcome, Exception):
            raise outcome
        # Real dnspython rdata objects, as a real Answer would yield.
        return [dns.rdata.from_text("IN", rdtype, address) for address in outcome]


def nxdomain(host):
    return dns.resolver.NXDOMAIN(qnames=[dns.name.from_text(host)])


def test_a_and_aaaa_records_are_returned_ipv4_first():
    resolver = FakeResolver({("example.com", "A"): ["192.0.2.1"], ("example.com", "AAAA"): ["2001:db8::1"]})
    assert hosting.resolve_addresses("example.com", resolver=resolver) == ["192.0.2.1", "2001:db8::1"]


def test_addresses_are_deduplicated_and_sorted_so_rotated_answers_compare_equal():
    resolver = FakeResolver(
        {
            ("example.com", "A"): ["192.0.2.10", "192.0.2.9", "192.0.2.10"],
            ("example.com", "AAAA"): ["2001:db8::2", "2001:0db8:0::1"],
        }
    )
    assert hosting.resolve_addresses("example.com", resolver=resolver) == [
        "192.0.2.9",
        "192.0.2.10",
        "2001:db8::1",
        "2001:db8::2",
    ]


def test_a_name_that_does_not_exist_resolves_to_nothing_without_asking_for_aaaa():
    resolver = FakeResolver({("gone.example", "A"): nxdomain("gone.example")})
    assert hosting.resolve_addresses("gone.example", resolver=resolver) == []
    assert [rdtype for _, rdtype, _ in resolver.queries] == ["A"]


def test_a_missing_record_type_is_just_left_out():
    v6_only = FakeResolver({("v6.example", "AAAA"): ["2001:db8::7"]})
    v4_only = FakeResolver({("v4.example", "A"): ["192.0.2.7"]})
    assert hosting.resolve_addresses("v6.example", resolver=v6_only) == ["2001:db8::7"]
    assert hosting.resolve_addresses("v4.example", resolver=v4_only) == ["192.0.2.7"]
    assert hosting.resolve_addresses("empty.example", resolver=FakeResolver({})) == []


@pytest.mark.parametrize(
    "error",
    [
        dns.resolver.LifetimeTimeout(timeout=5.0, errors=[]),
        dns.resolver.NoNameservers(request=dns.message.make_query("example.com", "A"), errors=[]),
        OSError("network is unreachable"),
    ],
    ids=["timeout", "servfail", "unreachable"],
)
def test_timeouts_and_server_failures_raise_lookup_failed(error):
    resolver = FakeResolver({("example.com", "A"): error})
    with pytest.raises(hosting.LookupFailed) as caught:
        hosting.resolve_addresses("example.com", resolver=resolver)
    assert caught.value.host == "example.com"
    assert isinstance(caught.value, OSError)  # Retry logic for network errors applies.


def test_a_failure_on_aaaa_fails_the_whole_lookup_rather_than_returning_half():
    resolver = FakeResolver(
        {
            ("example.com", "A"): ["192.0.2.1"],
            ("example.com", "AAAA"): dns.resolver.LifetimeTimeout(timeout=5.0, errors=[]),
        }
    )
    with pytest.raises(hosting.LookupFailed):
        hosting.resolve_addresses("example.com", resolver=resolver)


def test_queries_are_absolute_without_search_domains_and_bounded_by_dns_timeout(settings):
    settings.DNS_TIMEOUT = 3.0
    resolver = FakeResolver({("example.com", "A"): ["192.0.2.1"]})
    hosting.resolve_addresses("Example.COM.", resolver=resolver)
    for qname, _, kwargs in resolver.queries:
        assert qname.is_absolute() and qname == dns.name.from_text("example.com.")
        assert kwargs["search"] is False
        assert 0 < kwargs["lifetime"] <= 3.0


def test_the_dns_timeout_covers_both_queries_together(monkeypatch, settings):
    settings.DNS_TIMEOUT = 2.0
    clock = [100.0]
    monkeypatch.setattr(hosting, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))

    def slow_resolver(host, rdtype):
        clock[0] += 2.5  # The A query alone used up the whole budget.
        return ["192.0.2.1"]

    with pytest.raises(hosting.LookupFailed, match="timed out"):
        hosting.resolve_addresses("example.com", resolver=slow_resolver)


def test_a_plain_callable_can_stand_in_for_the_resolver():
    asked = []

    def resolver(host, rdtype):
        asked.append((host, rdtype))
        if rdtype == "AAAA":
            raise dns.resolver.NoAnswer()
        return ["192.0.2.5"]

    assert hosting.resolve_addresses("www.пример.рф", resolver=resolver) == ["192.0.2.5"]
    assert asked == [("www.xn--e1afmkfd.xn--p1ai", "A"), ("www.xn--e1afmkfd.xn--p1ai", "AAAA")]


def test_without_a_resolver_argument_the_default_resolver_is_used(monkeypatch):
    resolver = FakeResolver({("example.com", "A"): ["192.0.2.1"]})
    monkeypatch.setattr(hosting, "_default_resolver", lambda: resolver)
    assert hosting.resolve_addresses("example.com") == ["192.0.2.1"]


@pytest.mark.parametrize(
    ("host", "expected"), [("192.0.2.1", "192.0.2.1"), ("[2001:DB8::1]", "2001:db8::1"), ("2001:db8::1", "2001:db8::1")]
)
def test_an_ip_literal_host_is_its_own_address_without_any_query(host, expected):
    resolver = FakeResolver({})
    assert hosting.resolve_addresses(host, resolver=resolver) == [expected]
    assert resolver.queries == []


@pytest.mark.parametrize("host", ["", ".", "a" * 64 + ".example.com", "a..example.com"])
def test_a_malformed_host_is_a_value_error_not_a_retryable_failure(host):
    with pytest.raises(ValueError):
        hosting.resolve_addresses(host, resolver=FakeResolver({}))


def test_a_machine_without_resolver_configuration_fails_the_lookup_retryably(monkeypatch):
    def unconfigured():
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr(hosting, "_default_resolver", unconfigured)
    with pytest.raises(hosting.LookupFailed):
        hosting.resolve_addresses("example.com")
