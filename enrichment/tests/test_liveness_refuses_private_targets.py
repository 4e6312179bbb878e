"""A reported address can never make the check reach our own machines or network (SSRF).

No test here opens a connection outside loopback: the autouse guard in
conftest.py would fail it. Refusals happen before any dial.
"""

from __future__ import annotations

import pytest

from enrichment.liveness import check_url
from testsupport.loopback import Reply, answers


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[fe80::1%25eth0]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[2002:c0a8:101::1]/",  # 6to4 around 192.168.1.1
        "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo, client 10.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
        "http://[64:ff9b:1::7f00:1]/",  # local-use NAT64 around 127.0.0.1
        "http://[fd00:ec2::254]/",
        "https://127.0.0.1:443/",
    ],
)
def test_it_refuses_addresses_that_are_not_public(url):
    result = check_url(url)

    assert result.outcome == "blocked", result
    assert result.blocked_reason
    assert result.status is None
    assert result.connected_ip is None


@pytest.mark.parametrize("port", [22, 25, 5432, 6379, 8080])
def test_it_refuses_ports_other_than_80_and_443(port):
    result = check_url(f"http://93.184.215.14:{port}/")

    assert (result.outcome, result.blocked_reason) == ("blocked", f"port {port} not allowed")


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/", "file:///etc/passwd", "gopher://93.184.215.14:70/"])
def test_it_refuses_schemes_other_than_http_and_https(url):
    assert check_url(url).outcome == "blocked"


def test_it_refuses_a_name_when_any_of_its_answers_is_private():
    # DNS rebinding with mixed answers: the public one first, loopback second.
    resolver = answers({"rebind.test": ["93.184.215.14", "127.0.0.1"]})

    result = check_url("http://rebind.test/", resolver=resolver)

    assert result.outcome == "blocked"
    assert result.blocked_reason == "rebind.test resolves to loopback address 127.0.0.1"


def test_it_refuses_localhost_as_the_loopback_name_it_is():
    result = check_url("http://localhost/")

    assert result.outcome == "blocked"
    assert "loopback" in result.blocked_reason


def test_it_refuses_localhost_even_when_only_ipv4_loopback_is_allowed(settings):
    # localhost also answers ::1, and every answer must pass.
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]

    assert check_url("http://localhost/").blocked_reason == "localhost resolves to loopback address ::1"


def test_it_refuses_the_metadata_address_even_inside_an_allowed_network(settings):
    settings.CHECK_ALLOW_NETWORKS = ["169.254.0.0/16", "fd00::/8"]

    assert check_url("http://169.254.169.254/").outcome == "blocked"
    assert check_url("http://[fd00:ec2::254]/").outcome == "blocked"


def test_it_refuses_a_redirect_to_a_private_address(serve):
    server = serve(lambda request: Reply(302, [("Location", "http://10.0.0.1/admin")]))

    result = check_url(server.url("/start"))

    assert result.outcome == "blocked"
    assert result.blocked_reason == "private address 10.0.0.1"
    assert result.final_url == "http://10.0.0.1/admin"
    assert [(hop.status, hop.location) for hop in result.redirects] == [(302, "http://10.0.0.1/admin")]
    assert len(server.requests) == 1


def test_it_refuses_a_redirect_to_the_metadata_service_by_name(serve):
    resolver = answers({"metadata.test": ["169.254.169.254"]})
    server = serve(lambda request: Reply(301, [("Location", "http://metadata.test/latest/")]))

    result = check_url(server.url(), resolver=resolver)

    assert result.outcome == "blocked"
    assert "cloud metadata address 169.254.169.254" in result.blocked_reason


def test_it_refuses_a_redirect_to_a_port_it_does_not_use(serve):
    server = serve(lambda request: Reply(302, [("Location", "http://127.0.0.1:6379/")]))

    assert check_url(server.url()).blocked_reason == "port 6379 not allowed"


def test_it_refuses_a_redirect_to_another_scheme(serve):
    server = serve(lambda request: Reply(302, [("Location", "file:///etc/passwd")]))

    assert check_url(server.url()).blocked_reason == "scheme 'file' not allowed"


def test_it_reports_a_name_without_answers_as_an_error():
    result = check_url("http://nowhere.test/", resolver=answers({}))

    assert (result.outcome, result.error) == ("error", "no DNS answer for nowhere.test")


def test_it_reports_a_malformed_ipv4_literal_as_an_error():
    result = check_url("http://1.2.3.4.5/")

    assert (result.outcome, result.error) == ("error", "invalid IPv4 address '1.2.3.4.5'")
