"""Hosts and registrable domains, from the PSL snapshot bundled with publicsuffixlist."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from enrichment import hosting


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", "example.com"),
        ("www.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.Example.COM", "example.com"),
        ("www.example.com.", "example.com"),
        # Private-section suffixes count: each user's site is its own domain.
        ("alice.github.io", "alice.github.io"),
        ("www.alice.github.io", "alice.github.io"),
        ("someone.blogspot.com", "someone.blogspot.com"),
        ("bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"),
        # Wildcard and exception rules (*.ck, !www.ck).
        ("a.b.ck", "a.b.ck"),
        ("www.ck", "www.ck"),
        ("abcdefghijklmnop.onion", "abcdefghijklmnop.onion"),
        ("x.abcdefghijklmnop.onion", "abcdefghijklmnop.onion"),
        # A TLD missing from the list is treated as a one-label suffix.
        ("a.example.notarealtld", "example.notarealtld"),
    ],
)
def test_registrable_domain_is_the_public_suffix_plus_one_label(host, expected):
    assert hosting.registrable_domain(host) == expected


def test_punycode_hosts_keep_their_punycode_form():
    assert hosting.registrable_domain("www.xn--e1afmkfd.xn--p1ai") == "xn--e1afmkfd.xn--p1ai"


def test_unicode_hosts_work_and_stay_unicode():
    assert hosting.registrable_domain("www.пример.рф") == "пример.рф"


@pytest.mark.parametrize("host", ["co.uk", "github.io", "blogspot.com", "com", "localhost", "b.ck"])
def test_a_host_that_is_itself_a_public_suffix_has_no_registrable_domain(host):
    assert hosting.registrable_domain(host) is None


@pytest.mark.parametrize("host", ["192.0.2.10", "2001:db8::1", "[2001:db8::1]", "127.1", "0x7f.1"])
def test_ip_literals_have_no_registrable_domain(host):
    assert hosting.registrable_domain(host) is None


@pytest.mark.parametrize("host", ["", ".", "a..example.com"])
def test_malformed_hosts_have_no_registrable_domain(host):
    assert hosting.registrable_domain(host) is None


def test_importing_hosting_loads_no_data():
    # enrichment.hosting is imported by web processes that never enrich: the
    # PSL and the geoip2fast tables must wait for first use.
    code = (
        "import sys, enrichment.hosting as h; "
        "assert h._psl.cache_info().currsize == 0; "
        "assert 'geoip2fast' not in sys.modules and 'geoip2' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], check=True)


def test_the_psl_snapshot_version_is_exposed():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_UTC", hosting.psl_data_version())
    assert hosting.PSL_PACKAGE_VERSION.startswith("1.")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/path?q=1", "www.example.com"),
        ("http://WWW.Example.COM:8080/", "www.example.com"),
        ("https://user:secret@example.com/", "example.com"),
        ("http://[2001:DB8::1]:8443/x", "2001:db8::1"),
        ("http://192.0.2.10/", "192.0.2.10"),
        ("https://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_host_of_gives_the_lowercase_host_without_port_or_brackets(url, expected):
    assert hosting.host_of(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.com/", "mailto:someone@example.com", "https:///path", "example.com"])
def test_host_of_refuses_anything_but_an_http_url_with_a_host(url):
    with pytest.raises(ValueError):
        hosting.host_of(url)
