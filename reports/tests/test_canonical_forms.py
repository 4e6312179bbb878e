"""The canonical form every accepted address is stored in (see reports/addresses.py)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reports.addresses import MAX_LENGTH, AddressError, canonicalize, url_sha256

# Google Safe Browsing's published examples
# (https://developers.google.com/safe-browsing/v4/urls-hashing#canonicalization).
# The ones whose host is not a valid DNS name or IP address are refused instead:
# see SAFE_BROWSING_EXAMPLES_WE_REFUSE in test_address_validation.py.
SAFE_BROWSING_EXAMPLES = [
    ("http://host/%25%32%35", "http://host/%25"),
    ("http://host/%25%32%35%25%32%35", "http://host/%25%25"),
    ("http://host/%2525252525252525", "http://host/%25"),
    ("http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
    ("http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
    ("http://www.google.com/", "http://www.google.com/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
        "http://168.188.99.26/.secure/www.ebay.com/",
    ),
    (
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
    ),
    ("http://3279880203/blah", "http://195.127.0.11/blah"),
    ("http://www.google.com/blah/..", "http://www.google.com/"),
    ("www.google.com/", "http://www.google.com/"),
    ("www.google.com", "http://www.google.com/"),
    ("http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
    ("http://www.GOOgle.com/", "http://www.google.com/"),
    ("http://www.google.com.../", "http://www.google.com/"),
    ("http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
    ("http://www.google.com/q?", "http://www.google.com/q?"),
    ("http://www.google.com/q?r?", "http://www.google.com/q?r?"),
    ("http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
    ("http://evil.com/foo#bar#baz", "http://evil.com/foo"),
    ("http://evil.com/foo;", "http://evil.com/foo;"),
    ("http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
    ("http://notrailingslash.com", "http://notrailingslash.com/"),
    # Adapted: Safe Browsing drops every port; we keep a non-default one.
    ("http://www.gotaport.com:1234/", "http://www.gotaport.com:1234/"),
    ("  http://www.google.com/  ", "http://www.google.com/"),
    ("https://www.securesite.com/", "https://www.securesite.com/"),
    ("http://host.com/ab%23cd", "http://host.com/ab%23cd"),
    ("http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"),
]

# From the test suites of Safe Browsing implementations (Google's Go client, Firefox).
REFERENCE_IMPLEMENTATION_EXAMPLES = [
    ("http://host.com/path?query%3Awith%3Acolons", "http://host.com/path?query:with:colons"),
    (
        "https://wiki.mozilla.org/index.php?title=MozillaWiki%3AHelp&action=history",
        "https://wiki.mozilla.org/index.php?title=MozillaWiki:Help&action=history",
    ),
    ("http://www.\u00fcmlat.com/", "http://www.xn--mlat-zra.com/"),
    ("http://[2001:470:1:18::114]/", "http://[2001:470:1:18::114]/"),
    ("http%3A%2F%2Fwackyurl.com:80/", "http://wackyurl.com/"),
    ("http://i.have.way.too.many.dots.com/", "http://i.have.way.too.many.dots.com/"),
    ("http://a.com/foo/.././bar/./../foo.html", "http://a.com/foo.html"),
    ("http://a.com//a//b///c////", "http://a.com/a/b/c/"),
    ("http://google.com.:8080/foo.html", "http://google.com:8080/foo.html"),
    ("http://..google.com/foo.html", "http://google.com/foo.html"),
    ("http://0x12.0x43.0x44.0x01/", "http://18.67.68.1/"),
    ("http://12.0x12.01234/", "http://12.18.2.156/"),
    ("http://012.034.01.055/", "http://10.28.1.45/"),
    ("http://167838211/", "http://10.1.2.3/"),
    ("http://4294967295/", "http://255.255.255.255/"),
    ("www.google.com:8080/foo.html", "http://www.google.com:8080/foo.html"),
    ("www.google.com:80", "http://www.google.com/"),
    ("http://www.google.com/q?r?s%3F", "http://www.google.com/q?r?s?"),
]

OUR_RULES = [
    # scheme
    ("HTTPS://Example.COM/Path", "https://example.com/Path"),
    ("http:/example.com/a", "http://example.com/a"),
    ("http:\\\\example.com\\a\\b", "http://example.com/a/b"),
    ("//example.com/a", "http://example.com/a"),
    # ports: only the scheme's default is dropped
    ("http://example.com:80/", "http://example.com/"),
    ("https://example.com:443/", "https://example.com/"),
    ("http://example.com:443/", "http://example.com:443/"),
    ("https://example.com:80/", "https://example.com:80/"),
    ("http://example.com:08080/", "http://example.com:8080/"),
    ("http://example.com:/", "http://example.com/"),
    # credentials are never stored
    ("http://user:secret@example.com/a", "http://example.com/a"),
    ("https://user@example.com:8443/", "https://example.com:8443/"),
    ("http://www.google.com@evil.example/", "http://evil.example/"),
    # IPv4 in every spelling browsers accept
    ("http://2130706433/", "http://127.0.0.1/"),
    ("http://0177.0.0.1/", "http://127.0.0.1/"),
    ("http://0x7f.1/", "http://127.0.0.1/"),
    ("http://127.1/", "http://127.0.0.1/"),
    ("http://10.1.258/", "http://10.1.1.2/"),
    ("http://0x7F000001/", "http://127.0.0.1/"),
    ("3279880203/blah", "http://195.127.0.11/blah"),
    ("http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", "http://127.0.0.1/"),
    # IPv6
    (
        "http://[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80/index.html",
        "http://[fedc:ba98:7654:3210:fedc:ba98:7654:3210]/index.html",
    ),
    ("http://[2001:db8:0:0:0:0:0:1]:8080/", "http://[2001:db8::1]:8080/"),
    ("[2001:db8::1]/a", "http://[2001:db8::1]/a"),
    # internationalised names
    ("http://\u043c\u043e\u0441\u043a\u0432\u0430.\u0440\u0444/", "http://xn--80adxhks.xn--p1ai/"),
    ("http://fa\u00df.de/", "http://xn--fa-hia.de/"),
    ("http://\u4f8b\u3048\u3002\u30c6\u30b9\u30c8/", "http://xn--r8jz45g.xn--zckzah/"),
    ("http://\u2764.ws/", "http://xn--qei.ws/"),
    ("http://XN--MLAT-ZRA.com/", "http://xn--mlat-zra.com/"),
    ("http://my_site.example.com/", "http://my_site.example.com/"),
    # path
    ("http://example.com/a/./b/../c", "http://example.com/a/c"),
    ("http://example.com/a/b/.", "http://example.com/a/b/"),
    ("http://example.com/../../a", "http://example.com/a"),
    ("http://example.com/%2E%2E/a", "http://example.com/a"),
    ("http://example.com/a%2Fb", "http://example.com/a/b"),
    ("http://example.com/a%3Fb", "http://example.com/a?b"),
    ("http://example.com/f\u00fcr sie", "http://example.com/f%C3%BCr%20sie"),
    ("http://example.com/%c3%bc", "http://example.com/%C3%BC"),
    ("http://example.com/%7Euser", "http://example.com/~user"),
    ("http://example.com/%00", "http://example.com/%00"),
    # query kept as it is (but escaped)
    ("http://example.com?b=2&a=1", "http://example.com/?b=2&a=1"),
    ("http://example.com/?q=a b", "http://example.com/?q=a%20b"),
    ("http://example.com/?q=%23tag", "http://example.com/?q=%23tag"),
    ("http://example.com/?next=/a/../b//c", "http://example.com/?next=/a/../b//c"),
    # things a phone adds around a copied address
    ("\u200bhttps://example.com/a\ufeff", "https://example.com/a"),
    ("\u00a0https://example.com/a\u00a0", "https://example.com/a"),
]

ALL_EXAMPLES = SAFE_BROWSING_EXAMPLES + REFERENCE_IMPLEMENTATION_EXAMPLES + OUR_RULES


@pytest.mark.parametrize(("typed", "canonical"), SAFE_BROWSING_EXAMPLES)
def test_it_matches_safe_browsing_published_examples(typed: str, canonical: str) -> None:
    assert canonicalize(typed) == canonical


@pytest.mark.parametrize(("typed", "canonical"), REFERENCE_IMPLEMENTATION_EXAMPLES)
def test_it_matches_safe_browsing_reference_implementations(typed: str, canonical: str) -> None:
    assert canonicalize(typed) == canonical


@pytest.mark.parametrize(("typed", "canonical"), OUR_RULES)
def test_it_applies_our_own_rules(typed: str, canonical: str) -> None:
    assert canonicalize(typed) == canonical


@pytest.mark.parametrize("canonical", sorted({canonical for _, canonical in ALL_EXAMPLES}))
def test_a_canonical_form_is_its_own_canonical_form(canonical: str) -> None:
    assert canonicalize(canonical) == canonical


def test_spellings_of_one_page_meet_in_one_form() -> None:
    spellings = [
        "www.Example.com/a/b",
        "HTTP://www.example.com:80/a/./b#top",
        "http://www.example.com//a//b",
        "http://user:pw@www.example.com/a/x/../b",
        "http://www.example.com./%61/%62",
        "  http://WWW.EXAMPLE.COM/a/b  ",
    ]
    assert {canonicalize(spelling) for spelling in spellings} == {"http://www.example.com/a/b"}


def test_url_sha256_is_the_lowercase_hex_digest_of_the_utf8_canonical_form() -> None:
    assert url_sha256(canonicalize("http://Example.com/a")) == (
        "5bd48fa66118084cc32779267a31116dc05c70bcbca0f28e990cd58ce10afeae"
    )
    assert url_sha256("http://xn--mlat-zra.com/%C3%BC") == hashlib.sha256(b"http://xn--mlat-zra.com/%C3%BC").hexdigest()


# --- Properties ---------------------------------------------------------------

_LABEL = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,10}", fullmatch=True)
_HOST = st.one_of(
    st.lists(_LABEL, min_size=2, max_size=4).map(".".join),
    st.integers(0, 2**32 - 1).map(str),
    st.tuples(*[st.integers(0, 255)] * 4).map(lambda parts: ".".join(map(str, parts))),
    st.sampled_from(
        ["www.\u00fcmlat.com", "\u4f8b\u3048.\u30c6\u30b9\u30c8", "[2001:db8::1]", "xn--80adxhks.xn--p1ai"]
    ),
)
_URL_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("/.%#?&=;:@+-_~!$'()*,\\ \t\n%2e%2F%25%3F%23"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


@st.composite
def typed_addresses(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http://", "https://", "HTTP://", "", "//"]))
    userinfo = draw(st.sampled_from(["", "user@", "user:pass@"]))
    port = draw(st.one_of(st.just(""), st.integers(1, 65535).map(lambda port: f":{port}")))
    return scheme + userinfo + draw(_HOST) + port + draw(st.sampled_from(["", "/"])) + draw(_URL_TEXT)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(typed_addresses())
def test_canonicalizing_twice_changes_nothing(typed: str) -> None:
    try:
        canonical = canonicalize(typed)
    except AddressError:
        assume(False)
        return
    assert canonicalize(canonical) == canonical


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(typed_addresses())
def test_a_canonical_form_is_printable_ascii_http_within_the_length_limit(typed: str) -> None:
    try:
        canonical = canonicalize(typed)
    except AddressError:
        assume(False)
        return
    assert canonical.startswith(("http://", "https://"))
    assert all(0x20 < ord(char) < 0x7F for char in canonical)
    assert "#" not in canonical
    assert len(canonical) <= MAX_LENGTH


@settings(max_examples=400)
@given(st.text(max_size=80))
def test_any_text_is_either_refused_with_a_message_or_canonical(typed: str) -> None:
    try:
        canonical = canonicalize(typed)
    except AddressError as exc:
        assert exc.message
        return
    assert canonicalize(canonical) == canonical
