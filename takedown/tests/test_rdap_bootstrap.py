"""Choosing the RDAP server: IANA's bootstrap files (RFC 9224), else RDAP_SERVERS."""

from __future__ import annotations

import ipaddress
import json

import pytest

from takedown import rdap
from testsupport.rdap_fixtures import answer, load, registry

IPV4 = {
    "version": "1.0",
    "publication": "2024-09-01T00:00:01Z",
    "description": "RDAP bootstrap file for IPv4 address allocations",
    "services": [
        [["192.0.0.0/8", "193.0.0.0/8"], ["https://rdap.wide.example/rdap/"]],
        [["192.0.2.0/24"], ["http://rdap.narrow.example/", "https://rdap.narrow.example/"]],
        [["192.0.0.0/16"], ["https://rdap.middle.example/"]],
    ],
}
IPV6 = {
    "version": "1.0",
    "publication": "2024-09-01T00:00:01Z",
    "services": [
        [["2001:db8::/32"], ["https://rdap.v6.example/"]],
        [["2001:db8:1000::/36"], ["https://rdap.v6narrow.example/"]],
    ],
}


@pytest.fixture
def bootstrap(tmp_path):
    (tmp_path / "ipv4.json").write_text(json.dumps(IPV4))
    (tmp_path / "ipv6.json").write_text(json.dumps(IPV6))
    return tmp_path


@pytest.mark.parametrize(
    ("ip", "servers"),
    [
        ("192.0.2.10", ["https://rdap.narrow.example/", "http://rdap.narrow.example/"]),
        ("192.0.7.1", ["https://rdap.middle.example/"]),
        ("192.200.0.1", ["https://rdap.wide.example/rdap/"]),
        ("10.1.2.3", []),
        ("2001:db8:1234::1", ["https://rdap.v6narrow.example/"]),
        ("2001:db8:ffff::1", ["https://rdap.v6.example/"]),
    ],
)
def test_the_longest_matching_prefix_wins_and_https_comes_first(bootstrap, ip, servers):
    assert rdap.bootstrap_servers(ipaddress.ip_address(ip), bootstrap) == servers


def test_without_a_bootstrap_directory_the_configured_servers_are_asked(settings):
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_SERVERS = ["https://rdap.one.example/", "https://rdap.two.example/"]

    assert rdap.servers_for(ipaddress.ip_address("192.0.2.10")) == settings.RDAP_SERVERS


def test_an_address_the_bootstrap_file_does_not_cover_goes_to_the_configured_servers(settings, bootstrap):
    settings.RDAP_BOOTSTRAP_DIR = str(bootstrap)
    settings.RDAP_SERVERS = ["https://rdap.fallback.example/"]

    assert rdap.servers_for(ipaddress.ip_address("10.1.2.3")) == ["https://rdap.fallback.example/"]
    assert rdap.servers_for(ipaddress.ip_address("192.0.2.10"))[0] == "https://rdap.narrow.example/"


def test_a_missing_or_broken_bootstrap_file_falls_back_to_the_configured_servers(settings, tmp_path, caplog):
    settings.RDAP_BOOTSTRAP_DIR = str(tmp_path)
    settings.RDAP_SERVERS = ["https://rdap.fallback.example/"]
    (tmp_path / "ipv6.json").write_text('{"services": [["not a pair"]]}')

    assert rdap.servers_for(ipaddress.ip_address("192.0.2.10")) == ["https://rdap.fallback.example/"]
    assert rdap.servers_for(ipaddress.ip_address("2001:db8::1")) == ["https://rdap.fallback.example/"]
    assert "bootstrap" in caplog.text


def test_a_look_up_asks_the_server_the_bootstrap_file_names(settings, tmp_path):
    with registry({"/ripe/ip/192.0.2.10": answer(load("no_abuse"))}) as server:
        data = {"services": [[["192.0.2.0/24"], [server.url("/ripe/")]]]}
        (tmp_path / "ipv4.json").write_text(json.dumps(data))
        settings.RDAP_BOOTSTRAP_DIR = str(tmp_path)
        settings.RDAP_SERVERS = ["https://rdap.arin.net/registry/"]  # would be refused in tests: never asked

        result = rdap.abuse_lookup("192.0.2.10")

    assert result.network is not None and result.network.email == "hostmaster@smallhost.example"
    assert [r.target for r in server.requests] == ["/ripe/ip/192.0.2.10"]
