"""Asking an RDAP server over HTTP: redirects, https, size and time limits (a loopback server plays the registry)."""

from __future__ import annotations

import pytest

from takedown import rdap
from testsupport.loopback import Reply, big_jpeg
from testsupport.rdap_fixtures import answer, load, moved, registry

IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _rdap_settings(settings):
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_TIMEOUT = 2


def test_it_follows_arins_redirect_to_the_registry_holding_the_address(settings):
    routes = {f"/arin/ip/{IP}": moved(f"/ripe/ip/{IP}"), f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        result = rdap.abuse_lookup(IP)

    assert result.network.email == "abuse@example-hosting.co.uk"
    assert result.server == server.url(f"/ripe/ip/{IP}")
    assert [r.target for r in server.requests] == [f"/arin/ip/{IP}", f"/ripe/ip/{IP}"]
    assert all(r.headers["accept"] == "application/rdap+json" for r in server.requests)


def test_it_gives_up_after_three_redirects(settings):
    routes = {f"/hop{n}/ip/{IP}": moved(f"/hop{n + 1}/ip/{IP}", 307) for n in range(5)}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/hop0/")]
        with pytest.raises(rdap.RdapError, match="More than 3 redirects"):
            rdap.abuse_lookup(IP)

    assert len(server.requests) == 4


@pytest.mark.parametrize(
    "location", ["http://rdap.example.net/ip/203.0.113.7", "ftp://127.0.0.1/ip/203.0.113.7", "file:///etc/passwd"]
)
def test_a_redirect_anywhere_but_https_is_refused_before_connecting(settings, location):
    with registry({f"/arin/ip/{IP}": moved(location)}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        with pytest.raises(rdap.RdapError, match="https only"):
            rdap.abuse_lookup(IP)

    assert len(server.requests) == 1


def test_in_tests_no_request_leaves_loopback_even_over_https(settings):
    settings.RDAP_SERVERS = ["https://rdap.arin.net/registry/"]

    with pytest.raises(rdap.RdapError, match="loopback"):
        rdap.abuse_lookup(IP)


def test_an_answer_over_a_mebibyte_is_not_read_to_the_end(settings):
    # No Content-Length: the limit must hold while streaming.
    huge = Reply(status=200, headers=[("Content-Type", "application/rdap+json"), ("Connection", "close")],
                 body=big_jpeg(20 * 1024 * 1024))  # fmt: skip
    with registry({f"/arin/ip/{IP}": huge}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        with pytest.raises(rdap.RdapError, match="larger than"):
            rdap.abuse_lookup(IP)
        server.wait_finished(1)

    assert server.connections[0].bytes_sent < 8 * 1024 * 1024


def test_a_declared_length_over_a_mebibyte_is_refused_at_once(settings):
    declared = Reply(status=200, headers=[("Content-Length", str(5 * 1024 * 1024)), ("Connection", "close")])
    with registry({f"/arin/ip/{IP}": declared}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        with pytest.raises(rdap.RdapError, match="larger than"):
            rdap.abuse_lookup(IP)


def test_a_server_that_does_not_answer_in_time_fails_the_look_up(settings):
    settings.RDAP_TIMEOUT = 0.5
    with registry({f"/arin/ip/{IP}": Reply(hang=True)}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        with pytest.raises(rdap.RdapError, match="Timeout"):
            rdap.abuse_lookup(IP)


def test_no_network_at_the_registry_is_an_answer_not_a_failure(settings):
    with registry({}) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        result = rdap.abuse_lookup(IP)

    assert result.network is None
    assert result.server == server.url(f"/arin/ip/{IP}")


def test_a_failing_server_is_passed_over_for_the_next(settings):
    routes = {f"/broken/ip/{IP}": answer({"error": "down"}, 503), f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/broken/"), server.url("/ripe/")]
        result = rdap.abuse_lookup(IP)

    assert result.network.email == "abuse@example-hosting.co.uk"


def test_when_every_server_fails_the_error_says_why(settings):
    not_json = Reply(status=200, headers=[("Content-Length", "5"), ("Connection", "close")], body=[b"hello"])
    routes = {f"/broken/ip/{IP}": answer({}, 500), f"/text/ip/{IP}": not_json}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/broken/"), server.url("/text/")]
        with pytest.raises(rdap.RdapError) as raised:
            rdap.abuse_lookup(IP)

    assert "HTTP 500" in str(raised.value)
    assert "did not answer JSON" in str(raised.value)


def test_an_ipv6_address_is_asked_about_in_its_short_form(settings):
    with registry({"/ripe/ip/2001:db8:1000::25": answer(load("ripe_ipv6"))}) as server:
        settings.RDAP_SERVERS = [server.url("/ripe/")]
        result = rdap.abuse_lookup("2001:0db8:1000:0000::0025")

    assert result.network.cidrs == ("2001:db8:1000::/36",)
    assert [r.target for r in server.requests] == ["/ripe/ip/2001:db8:1000::25"]
