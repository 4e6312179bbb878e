"""Which addresses a reporter may send, and what they are told when one is refused."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from reports.addresses import AddressError, canonicalize


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json_b64url(value: dict) -> str:
    return _b64url(json.dumps(value).encode())


# Deterministic stand-ins for random bytes, so a failure can be reproduced.
def _pseudo_random(size: int, seed: bytes = b"seed") -> bytes:
    blocks = (hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


JWT_HS256 = ".".join(
    [
        _json_b64url({"alg": "HS256", "typ": "JWT"}),
        _json_b64url(
            {
                "sub": "1234567890",
                "name": "A Person",
                "iat": 1516239022,
                "scope": "read write profile email openid offline_access",
                "aud": "https://api.example.com/",
                "iss": "https://auth.example.com/",
            }
        ),
        _b64url(_pseudo_random(32)),
    ]
)
CLOUDFRONT_POLICY = (
    base64.b64encode(
        json.dumps(
            {
                "Statement": [
                    {
                        "Resource": "https://d111111abcdef8.cloudfront.net/videos/*",
                        "Condition": {"DateLessThan": {"AWS:EpochTime": 1735689600}},
                    }
                ]
            }
        ).encode()
    )
    .decode()
    .translate(str.maketrans("+=/", "-_~"))
)

ORDINARY_ADDRESSES = {
    "plain": "https://example.com/",
    "no scheme": "example.com/some/page",
    "deep path with query": "https://www.example.co.uk/a/b/c.html?x=1&y=2",
    "JWT in the query": f"https://example.com/callback?token={JWT_HS256}",
    "SHA-512 hex digest": "https://example.com/files/" + hashlib.sha512(b"x").hexdigest(),
    "GCS signed URL (512 hex chars)": "https://storage.googleapis.com/b/o.jpg?X-Goog-Signature="
    + _pseudo_random(256).hex(),
    "CloudFront signed URL": (
        f"https://d111111abcdef8.cloudfront.net/videos/a.mp4?Policy={CLOUDFRONT_POLICY}"
        f"&Signature={_b64url(_pseudo_random(32))}&Key-Pair-Id=K2JCJMDEHXQW5F"
    ),
    "Google redirect": (
        "https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=&ved=2ahUKEwiXq5r5p7_9AhVQhP0HHQ7pCt4QFnoECAgQAQ"
        "&url=https%3A%2F%2Fexample.com%2F&usg=AOvVaw3kQ0mLyPmXeNxO0GR0Jz7a"
    ),
    "YouTube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI",
    "64-byte url-safe token": "https://example.com/?id=" + _b64url(_pseudo_random(64)),
    "long slug": "https://example.com/2023/05/01/"
    + "-".join(["this", "is", "a", "very", "long", "article", "title", "about", "nothing"] * 5),
    "long path": "https://example.com" + "/abc/def/ghi" * 30,
    "wiki page named Data:": "https://commons.wikimedia.org/wiki/Data:Example.tab",
    "metadata: in the path": "https://example.com/metadata:foo",
    "word base64 in the path": "https://example.com/docs/base64/encoding",
    "IDN": "https://b\u00fccher.example/",
    "emoji domain": "http://\u2764.ws/",
    "IPv4": "http://192.0.2.1/a",
    "IPv6": "http://[2001:db8::1]/a",
    "port": "http://example.com:8080/a",
    "credentials": "http://user:pass@example.com/",
    "underscore in host": "https://my_site.example.com/",
    "single-label host with scheme": "http://host/",
    "spaces in path": "http://example.com/a b",
    "exactly 2048 characters": "http://example.com/" + "a/" * 1014 + "b",
}


@pytest.mark.parametrize("typed", ORDINARY_ADDRESSES.values(), ids=ORDINARY_ADDRESSES.keys())
def test_it_accepts_ordinary_addresses(typed: str) -> None:
    assert canonicalize(typed).startswith(("http://", "https://"))


def test_the_length_limit_example_is_exactly_at_the_limit() -> None:
    assert len(ORDINARY_ADDRESSES["exactly 2048 characters"]) == 2048


TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(TINY_PNG).decode()
JPEG_HEAD = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912"
)
GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"
WEBP_HEAD = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
BMP_HEAD = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81"
HEIC_HEAD = b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heic"

DATA_URI = "data:"
ENCODED = "encoded"
BLOB = "long block of encoded data"
SCHEME = "http:// or https://"
LOCAL = "your own device"
SITE_NAME = "site name"

REFUSED = {
    # inline content: the site never stores imagery, not even in an address
    "data URI": (f"data:image/png;base64,{PNG_B64}", DATA_URI),
    "data URI in capitals": (f"DATA:IMAGE/PNG;BASE64,{PNG_B64}", DATA_URI),
    "data URI without media type": ("data:,Hello", DATA_URI),
    "data URI without a comma": ("data:image/png", DATA_URI),
    "data scheme of any kind": ("data:foo", DATA_URI),
    "data URI in the query": (f"https://example.com/?img=data:image/png;base64,{PNG_B64}", DATA_URI),
    "percent-encoded data URI": ("https://example.com/?u=data%3Aimage%2Fpng%3Bbase64%2CiVBOR", DATA_URI),
    "data%3Aimage": ("https://example.com/view?src=data%3Aimage", DATA_URI),
    "doubly encoded data URI": ("https://example.com/?u=data%253Aimage%252Fjpeg", DATA_URI),
    "data URI in the fragment": (f"https://example.com/#data:image/png;base64,{PNG_B64}", DATA_URI),
    "data URI hidden by a later unescape": ("https://example.com/?u=%2525%2564ata:,x", DATA_URI),
    ";base64, marker": ("https://example.com/?img=x;base64,abcd", "(;base64,)"),
    "encoded ;base64, marker": ("https://example.com/?img=x%3Bbase64%2Cabcd", "(;base64,)"),
    "inline SVG": ("https://example.com/?x=<svg xmlns='http://www.w3.org/2000/svg'>", ENCODED),
    "PNG in base64": (f"https://example.com/?img={PNG_B64}", ENCODED),
    "PNG in percent-encoded base64": (
        "https://example.com/?img=" + PNG_B64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
        ENCODED,
    ),
    "PNG in url-safe base64": (f"https://example.com/?img={_b64url(TINY_PNG)}", ENCODED),
    "PNG after a prefix in the run": (f"https://example.com/p/abc{PNG_B64}", ENCODED),
    "PNG in the path": (f"https://example.com/{PNG_B64[:40]}/x", ENCODED),
    "PNG in the fragment": (f"https://example.com/#{PNG_B64}", ENCODED),
    "PNG in hex": ("https://example.com/?img=" + TINY_PNG.hex(), ENCODED),
    "JPEG": (f"https://example.com/?t={base64.b64encode(JPEG_HEAD).decode()}", ENCODED),
    "GIF": (f"https://example.com/?t={base64.b64encode(GIF_HEAD).decode()}", ENCODED),
    "WEBP": (f"https://example.com/?t={base64.b64encode(WEBP_HEAD).decode()}", ENCODED),
    "BMP": (f"https://example.com/?t={base64.b64encode(BMP_HEAD).decode()}", ENCODED),
    "MP4": (f"https://example.com/?t={base64.b64encode(MP4_HEAD).decode()}", ENCODED),
    "HEIC": (f"https://example.com/?t={_b64url(HEIC_HEAD)}", ENCODED),
    "WebM": (f"https://example.com/?t={base64.b64encode(WEBM_HEAD).decode()}", ENCODED),
    "300 random bytes in base64": (f"https://example.com/?x={base64.b64encode(_pseudo_random(300)).decode()}", BLOB),
    "200-character run of binary data": (f"https://example.com/?x={_b64url(_pseudo_random(150))}", BLOB),
    "JWT with a 256-byte signature": (f"https://example.com/?t={JWT_HS256}{_b64url(_pseudo_random(256))}", BLOB),
    "base64 of a data URI": (
        "https://example.com/?x=" + base64.b64encode(f"data:image/png;base64,{PNG_B64}".encode()).decode(),
        DATA_URI,
    ),
    # schemes other than http and https
    "javascript:": ("javascript:alert(1)", "not javascript:"),
    "mailto:": ("mailto:someone@example.com", "not mailto:"),
    "ftp:": ("ftp://ftp.myfiles.com/", "not ftp:"),
    "ws:": ("ws://example.com/socket", "not ws:"),
    "encoded javascript:": ("javascript%3Aalert(1)", "not javascript:"),
    "file:": ("file:///home/me/picture.jpg", LOCAL),
    "blob:": ("blob:https://example.com/0e4f3a2c-6d9b-4b8a-9b1e-3f5c2d7a8e10", LOCAL),
    # hosts
    "no host": ("http://", "no site name"),
    "no host before the path": ("http:///", "no site name"),
    "only a fragment": ("#ref", "no site name"),
    "only a query": ("?query#ref", "no site name"),
    "only a colon": (":", "no site name"),
    "host is only dots": ("http://.../", "no site name"),
    "single word without scheme": ("instagram", "full web address"),
    "path without host": ("/blah", "full web address"),
    "punctuation in host": ("http://W!eird<>Ho$^.com/", SITE_NAME),
    "space in host": ("http://exa mple.com/", SITE_NAME),
    "escape code in host": ("http://some%1bhost.com/%1b", SITE_NAME),
    "label longer than 63": ("http://" + "a" * 64 + ".com/", SITE_NAME),
    "name longer than 253": ("http://" + ".".join(["a" * 60] * 5) + "/", SITE_NAME),
    "label of hyphens only": ("http://---.com/", SITE_NAME),
    "bad punycode": ("http://xn--.com/", "not allowed in a domain name"),
    "character IDNA disallows everywhere": ("http://a\u2028b.com/", SITE_NAME),
    "five-part IPv4": ("http://1.2.3.4.5/", "not a valid IP address"),
    "IPv4 part above 255": ("http://256.1.1.1/", "not a valid IP address"),
    "IPv4 above 32 bits": ("http://4294967296/", "not a valid IP address"),
    "bad octal": ("http://08.1.1.1/", "not a valid IP address"),
    "negative number": ("http://-1.0/", "not a valid IP address"),
    "name ending in a number": ("http://www.123/", "not a valid IP address"),
    "unbracketed IPv6": ("http://2001:db8::1/", "square brackets"),
    "unclosed bracket": ("http://[2001:db8::1/", "IPv6"),
    "bad IPv6": ("http://[2001:db8::g]/", "IPv6"),
    "IPv6 zone": ("http://[fe80::1%25eth0]/", "IPv6"),
    "junk after bracket": ("http://[::1]x/", SITE_NAME),
    # ports
    "port 0": ("http://example.com:0/", "1 to 65535"),
    "port above 65535": ("http://example.com:65536/", "1 to 65535"),
    "port with letters": ("http://example.com:8o8o/", "1 to 65535"),
    "port without scheme": ("example.com:abc/", "1 to 65535"),
    # length and emptiness
    "empty": ("", "Enter a web address"),
    "blank": (" \t ", "Enter a web address"),
    "2049 characters": ("http://example.com/" + "a/" * 1015, "2,048"),
    "2048 characters that grow when escaped": ("http://example.com/" + "\u00e9" * 1000, "2,048"),
}

# Safe Browsing's published examples whose host is not a valid DNS name or IP
# address: reporters need a host that can be looked up, so these are refused.
SAFE_BROWSING_EXAMPLES_WE_REFUSE = {
    "host%23.com": (
        "http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
        SITE_NAME,
    ),
    "control bytes in host": ("http://\x01\x80.com/", "not allowed in a domain name"),
    "leading space in host": ("http:// leadingspace.com/", SITE_NAME),
    "escaped leading space in host": ("http://%20leadingspace.com/", SITE_NAME),
    "escaped leading space without scheme": ("%20leadingspace.com/", SITE_NAME),
}


@pytest.mark.parametrize(("typed", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_it_refuses_with_a_specific_message(typed: str, says: str) -> None:
    with pytest.raises(AddressError) as refused:
        canonicalize(typed)
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("typed", "says"), SAFE_BROWSING_EXAMPLES_WE_REFUSE.values(), ids=SAFE_BROWSING_EXAMPLES_WE_REFUSE.keys()
)
def test_it_refuses_safe_browsing_examples_whose_host_is_invalid(typed: str, says: str) -> None:
    with pytest.raises(AddressError) as refused:
        canonicalize(typed)
    assert says in refused.value.message


def test_it_refuses_data_uris_and_tells_the_reporter_not_to_send_pictures() -> None:
    with pytest.raises(AddressError) as refused:
        canonicalize(f"data:image/jpeg;base64,{PNG_B64}")
    assert "Please don't send pictures" in refused.value.message


def test_it_names_the_refused_scheme() -> None:
    with pytest.raises(AddressError) as refused:
        canonicalize("gopher://example.com/")
    assert refused.value.message == (
        "Only web addresses starting with http:// or https:// can be reported, not gopher: addresses."
    )


def test_it_does_not_store_credentials() -> None:
    canonical = canonicalize("https://alice:hunter2@example.com/private")
    assert "alice" not in canonical
    assert "hunter2" not in canonical


def test_an_address_error_is_a_value_error_whose_text_is_the_message() -> None:
    with pytest.raises(ValueError, match="Enter a web address.") as refused:
        canonicalize("")
    assert isinstance(refused.value, AddressError)
    assert str(refused.value) == refused.value.message


@pytest.mark.parametrize(("typed", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_every_message_is_short_and_ends_with_a_full_stop(typed: str, says: str) -> None:
    with pytest.raises(AddressError) as refused:
        canonicalize(typed)
    assert refused.value.message.endswith(".")
    assert len(refused.value.message) <= 200
