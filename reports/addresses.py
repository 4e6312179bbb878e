"""Validation and canonical form of the web addresses people report.

The hotline stores addresses, never content. Every address a reporter types
goes through `canonicalize`, which either refuses it with a short message for
the reporter (`AddressError.message`) or returns one canonical string, so that
the same page reported a thousand ways is one record (`url_sha256`).

Canonical form
--------------
Google Safe Browsing's published canonicalization for URL lists
(https://developers.google.com/safe-browsing/v4/urls-hashing#canonicalization),
as its reference implementations do it:

1. Strip surrounding whitespace; remove every tab, CR and LF.
2. Cut the fragment at the first literal ``#``.
3. Percent-unescape the whole address again and again until nothing changes,
   then split it into scheme, authority, path and query. Splitting after
   unescaping means an escaped ``%3F`` ends the path just like ``?`` does, and
   ``%2F`` separates path segments: that is what Safe Browsing does, so the many
   spellings of one address meet in one form.
4. Scheme: lowercased; missing means http. Host: lowercased, leading/trailing
   dots removed, runs of dots squeezed; IPv4 in any spelling browsers accept
   (``2130706433``, ``0177.0.0.1``, ``0x7f.1``) written as four decimals; IPv6
   (in brackets) compressed; internationalised names as punycode.
   Path: runs of slashes squeezed, ``.`` and ``..`` segments resolved, empty
   becomes ``/``. Query: kept as it is, even an empty one after ``?``.
5. Escape every byte <= 0x20 or >= 0x7F, ``#`` and ``%`` as ``%XX`` (uppercase).

Where we differ from Safe Browsing, and why:

* A port other than the scheme's default is kept (``:8080``): on another port
  there can be another site. ``:80`` on http and ``:443`` on https are dropped.
* ``user:pass@`` is accepted but removed: credentials must never be stored.
* Browsers' leniency on the slashes after the scheme (``http:/x.com``,
  ``http:\\\\x.com``) and on backslashes in the path (read as ``/``) is copied, so
  the address we store is the page the reporter's browser showed.
* The host must be a DNS name (labels of letters, digits, ``-`` and ``_``, the
  last of which browsers accept) or an IP address. Safe Browsing's own
  examples with hosts like ``host%23.com`` or ``%20leadingspace.com`` are
  therefore refused, and so is a dotted IPv4 part above 255, which browsers
  refuse too (Safe Browsing would wrap it round). Without a scheme, a host
  must have a dot (or be an IP address): a single word such as ``instagram``
  is almost always not the address the reporter meant.
* IDN: IDNA 2008 with UTS 46 mapping (``idna`` package, ``uts46=True``,
  non-transitional, so ``ß`` stays ``ß``). A label IDNA 2008 forbids but UTS 46
  maps and browsers still visit (emoji domains such as ``❤.ws``) is encoded
  with plain punycode rather than refused: such sites exist and get reported.

Inline content is refused
-------------------------
The site never stores imagery, not even encoded in an address. Markers are
looked for in the raw input and at every stage of unescaping; encoded runs in
the fully unescaped address (fragment included) and in the canonical form.
Refused:

* a ``data:`` URI anywhere (``data:`` not preceded by a letter, digit, ``+``,
  ``-`` or ``.``, followed by ``,``, ``;`` or a top-level media type such as
  ``image``); ``data%3Aimage`` is caught once unescaped. ``metadata:`` and a wiki
  page named ``Data:Example`` are not data URIs;
* a ``;base64,`` marker, and inline SVG markup (``<svg``);
* a run of 16 or more base64 characters (standard or URL-safe alphabet) that
  decodes, at any offset, to an image or video signature (PNG, JPEG, GIF,
  WebP/AVI, BMP, TIFF, MP4/MOV/HEIC/AVIF ``ftyp``, WebM/MKV, FLV, MPEG, Ogg,
  JPEG 2000/XL, PSD, ASF, SVG); a hex run is checked the same way. A run that
  decodes to readable text is itself checked (twice deep at most): base64 of a
  ``data:`` URI is still a picture;
* a run of 200 or more base64 characters that looks like binary data. Runs that
  look like something else are allowed, so ordinary URLs pass: hexadecimal
  (hashes, signatures), paths and slugs (at least one character in ten is
  ``/ - _ +``; random base64 has one in 32), and base64 that decodes to
  readable text (JWT payloads, CDN policies). Typical tokens are far shorter.
  A 256-byte RSA signature in base64 (a long RS256 JWT) is refused by this rule.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
from collections.abc import Iterator

import idna
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}

LONG_RUN = 200  # base64 characters, ~150 bytes
MAGIC_RUN = 16  # base64 characters, 12 bytes: enough for the signatures below
SEPARATORS_PER_CHAR = 1 / 10  # slugs and paths have far more than random base64 (1 in 32)
TEXT_RATIO = 0.9  # share of printable characters for decoded bytes to count as text
MAX_DECODE_DEPTH = 2  # base64 inside base64 inside an address is checked, no further

# Messages shown to the reporter next to the line they typed, translated
# (gettext_lazy) into the language of the page when an AddressError is raised.
EMPTY = _("Enter a web address.")
TOO_LONG = _("This address is longer than 2,048 characters. Please check it was copied correctly.")
TOO_LONG_CANONICAL = _("This address is longer than 2,048 characters once written out in full.")
BAD_CHARACTERS = _("This address contains characters that cannot be part of a web address.")
DATA_URI = _(
    "This is a data: address: it holds a picture or file itself, not where it is. "
    "Please don't send pictures; send the address of the web page instead."
)
BASE64_MARKER = _(
    "This address contains encoded content (;base64,). "
    "Please send only the address of the web page, not the picture itself."
)
EMBEDDED_IMAGE = _(
    "This address contains an encoded picture or video. "
    "Please send only the address of the web page, not the picture itself."
)
LONG_BLOB = _(
    "This address contains a long block of encoded data, which can hold a picture. "
    "Please send the address of the web page without it."
)
LOCAL_SCHEME = _(
    "{scheme}: addresses point to something on your own device or inside a browser tab, "
    "not to a web page. Please send the address of the web page (http:// or https://)."
)
OTHER_SCHEME = _("Only web addresses starting with http:// or https:// can be reported, not {scheme}: addresses.")
NO_HOST = _("This address has no site name (like example.com after http://).")
NOT_A_FULL_ADDRESS = _(
    "This doesn't look like a full web address. Copy it from the address bar, like example.com/page."
)
BAD_HOST = _("The site name is not a valid domain name or IP address.")
BAD_IDN = _("The site name contains characters that are not allowed in a domain name.")
BAD_IPV4 = _("The site name ends in a number but is not a valid IP address.")
BAD_IPV6 = _("The site name is not a valid IPv6 address.")
UNBRACKETED_IPV6 = _("An IPv6 address must be written in square brackets, like http://[2001:db8::1]/.")
BAD_PORT = _("The port (the number after the colon) must be a number from 1 to 65535.")


class AddressError(ValueError):
    """Raised with a short, clear, human-readable message, in .message.

    The message is shown to reporters next to the offending line, in the
    language active when it is raised (English outside a public page).
    """

    def __init__(self, message: str) -> None:
        message = str(message)
        super().__init__(message)
        self.message = message


def canonicalize(raw: str) -> str:
    """Validate one address as typed by a reporter and return its canonical form; raise AddressError if refused."""
    typed = _strip(raw)
    if not typed:
        raise AddressError(EMPTY)
    if len(typed) > MAX_LENGTH:
        raise AddressError(TOO_LONG)
    data = _to_bytes(typed)
    _refuse_markers(data)

    main, _, fragment = data.partition(b"#")
    # The fragment is dropped, but what it carries must not slip past the checks.
    _refuse_inline_content(_unescape_fully(fragment))
    main = main.translate(None, b"\t\r\n")
    unescaped = _unescape_fully(main)
    _refuse_inline_content(unescaped)

    assembled = _assemble(unescaped)
    # Dropping userinfo and dot segments can join what was apart: check again.
    _refuse_markers(assembled)
    _refuse_inline_content(assembled)
    canonical = _escape(assembled)
    if len(canonical) > MAX_LENGTH:
        raise AddressError(TOO_LONG_CANONICAL)
    return canonical


# The address as typed, read the way canonicalize reads it, up to the end of
# the authority: invisible characters and whitespace, a scheme (as
# _split_scheme takes one: no dot, no port after the colon; a tab in it is
# removed by canonicalize, an escaped colon unescaped), any run of slashes
# and backslashes (escaped ones too, at any depth: %2F, %252F), then the
# authority up to the next slash, backslash, "?" or "#".
_ESCAPED = r"%(?:25)*"
_TYPED_AUTHORITY = re.compile(
    r"^(?P<prefix>[\s\u200b\u200c\u200d\u2060\ufeff]*"
    rf"(?:[A-Za-z][A-Za-z0-9+\-\t]*(?::(?!\d+(?:[/?\\]|$))|{_ESCAPED}3[Aa]))?"
    rf"(?:[/\\\t]|{_ESCAPED}(?:2[Ff]|5[Cc]))*)"
    rf"(?P<authority>(?:[^/\\?#%]|%(?!(?:25)*(?:2[Ff]|5[Cc]|3[Ff])))*)"
)
_TYPED_AT = re.compile(rf"@|{_ESCAPED}40")


def without_credentials(typed: str, *, canonical: str = "") -> str:
    """The address as typed, minus any `user:password@`: credentials are never stored.

    Everything in the authority up to its last "@" (typed or escaped) goes:
    `http://alice:p@ss@example.com` keeps nothing of "p@ss". Should the
    result still read as having userinfo, or not be the same address as
    `canonical` (a spelling the pattern above does not foresee), `canonical`
    is returned instead, which never has userinfo; without it, "".
    """
    match = _TYPED_AUTHORITY.match(typed)
    ats = list(_TYPED_AT.finditer(match["authority"])) if match else []
    if not ats:
        return canonical if _has_userinfo(typed) else typed
    cut = match.end("prefix")
    result = typed[:cut] + typed[cut + ats[-1].end() :]
    if _has_userinfo(result) or (canonical and not _same_address(result, canonical)):
        return canonical
    return result


def _same_address(typed: str, canonical: str) -> bool:
    try:
        return canonicalize(typed) == canonical
    except AddressError:
        return False


def _has_userinfo(text: str) -> bool:
    """Whether canonicalize would find (and drop) userinfo in this text: an "@" in its authority."""
    try:
        data = _strip(text).encode("utf-8")
    except UnicodeEncodeError:
        return True
    main = data.partition(b"#")[0].translate(None, b"\t\r\n")
    while (unescaped := _unescape_once(main)) != main:
        main = unescaped
    try:
        _scheme, rest = _split_scheme(main)
    except AddressError:
        rest = main
    return b"@" in _authority(rest)


def url_sha256(canonical: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 canonical form."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Input and percent-escapes ---------------------------------------------

# Phones and rich-text copies add invisible characters around what was copied.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


_SURROUNDING = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")


def _strip(raw: str) -> str:
    return _SURROUNDING.sub("", raw)


def _to_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        raise AddressError(BAD_CHARACTERS) from None


_PERCENT_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


def _unescape_once(data: bytes) -> bytes:
    return _PERCENT_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)


def _unescape_fully(data: bytes) -> bytes:
    """Unescape until nothing changes; each stage is checked, as a stage can show a marker the next one hides."""
    while True:
        _refuse_markers(data)
        unescaped = _unescape_once(data)
        if unescaped == data:
            return data
        data = unescaped  # strictly shorter each time, so this ends


_MUST_ESCAPE = frozenset([*range(0x21), *range(0x7F, 0x100), ord("#"), ord("%")])


def _escape(data: bytes) -> str:
    return "".join(f"%{byte:02X}" if byte in _MUST_ESCAPE else chr(byte) for byte in data)


# --- Scheme, authority, path, query -----------------------------------------

_SCHEME = re.compile(rb"([A-Za-z][A-Za-z0-9+.\-]*):")
_PORT_AHEAD = re.compile(rb"\d+(?:[/?\\]|$)")
_LOCAL_SCHEMES = frozenset({"file", "blob", "filesystem", "content", "about", "chrome", "view-source"})


def _assemble(unescaped: bytes) -> bytes:
    """Split the fully unescaped address and put it together again in canonical form."""
    scheme, rest = _split_scheme(unescaped)
    rest, question_mark, query = rest.partition(b"?")
    authority, slash, path = _authority_and_path(rest)
    host, port = _split_host_port(authority.rpartition(b"@")[2])  # userinfo dropped
    canonical_host = _canonical_host(host, scheme_given=scheme is not None)
    scheme = scheme or "http"
    port_part = _canonical_port(port, scheme)
    return (
        f"{scheme}://{canonical_host}{port_part}".encode("ascii")
        + _canonical_path(slash + path)
        + question_mark
        + query
    )


def _authority_and_path(rest: bytes) -> tuple[bytes, bytes, bytes]:
    """Authority, "/" (or nothing) and path of what follows the scheme, the query already cut off."""
    # Browsers read backslashes as slashes in http(s) addresses (before the query).
    rest = rest.lstrip(b"/\\").replace(b"\\", b"/")
    return rest.partition(b"/")


def _authority(rest: bytes) -> bytes:
    return _authority_and_path(rest.partition(b"?")[0])[0]


def _split_scheme(data: bytes) -> tuple[str | None, bytes]:
    match = _SCHEME.match(data)
    # "example.com:8080/x" is a host and port, not a scheme called "example.com".
    if not match or _PORT_AHEAD.match(data, match.end()):
        return None, data
    scheme = match.group(1).decode("ascii").lower()
    if "." in scheme:  # "example.com:abc/": a host with a broken port, not a scheme
        return None, data
    if scheme == "data":
        raise AddressError(DATA_URI)
    if scheme in _LOCAL_SCHEMES:
        raise AddressError(LOCAL_SCHEME.format(scheme=scheme))
    if scheme not in DEFAULT_PORTS:
        raise AddressError(OTHER_SCHEME.format(scheme=scheme))
    return scheme, data[match.end() :]


def _split_host_port(authority: bytes) -> tuple[bytes, bytes | None]:
    if authority.startswith(b"["):
        host, bracket, after = authority.partition(b"]")
        if not bracket:
            raise AddressError(BAD_IPV6)
        if not after:
            return host + bracket, None
        if after.startswith(b":"):
            return host + bracket, after[1:]
        raise AddressError(BAD_HOST)
    if authority.count(b":") > 1:
        raise AddressError(UNBRACKETED_IPV6)
    host, colon, port = authority.partition(b":")
    return host, port if colon else None


def _canonical_port(port: bytes | None, scheme: str) -> str:
    if not port:  # "http://example.com:/" means the default port, as in browsers
        return ""
    if not re.fullmatch(rb"[0-9]+", port) or not 1 <= int(port) <= 65535:
        raise AddressError(BAD_PORT)
    number = int(port)
    return "" if number == DEFAULT_PORTS[scheme] else f":{number}"


def _canonical_path(path: bytes) -> bytes:
    """Squeeze slashes, then resolve dot segments as RFC 3986 does ("/a/.." is "/")."""
    segments = re.sub(rb"/{2,}", b"/", path).split(b"/")[1:]
    kept: list[bytes] = []
    for number, segment in enumerate(segments, start=1):
        is_last = number == len(segments)
        if segment in (b".", b".."):
            if segment == b".." and kept:
                kept.pop()
            if is_last:
                kept.append(b"")  # "/a/b/.." is the directory "/a/"
            continue
        kept.append(segment)
    return b"/" + b"/".join(kept)


# --- Host -------------------------------------------------------------------

_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_IPV4_NUMBER = re.compile(r"0[xX][0-9A-Fa-f]*|[0-9]+")
# Dots that UTS 46 maps to "." (ideographic and fullwidth full stops).
_OTHER_DOTS = str.maketrans(dict.fromkeys("\u3002\uff0e\uff61", "."))


def _canonical_host(raw: bytes, *, scheme_given: bool) -> str:
    if raw.startswith(b"["):
        return _canonical_ipv6(raw[1:-1])
    try:
        host = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AddressError(BAD_IDN) from None
    host = _squeeze_dots(host.translate(_OTHER_DOTS))
    if not host:
        raise AddressError(NO_HOST)
    host = host.lower() if host.isascii() else _idna_to_ascii(host)
    if _ends_in_number(host):
        return _canonical_ipv4(host)
    _check_dns_name(host)
    if not scheme_given and "." not in host:
        raise AddressError(NOT_A_FULL_ADDRESS)
    return host


def _squeeze_dots(host: str) -> str:
    return re.sub(r"\.{2,}", ".", host).strip(".")


def _idna_to_ascii(host: str) -> str:
    try:
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    except idna.IDNAError:  # a code point UTS 46 disallows
        raise AddressError(BAD_IDN) from None
    return ".".join(_label_to_ascii(label) for label in _squeeze_dots(mapped).split("."))


def _label_to_ascii(label: str) -> str:
    if label.isascii():
        return label  # may hold "_", which IDNA refuses but DNS and browsers accept
    try:
        return idna.alabel(label).decode("ascii")
    except idna.IDNAError:
        pass
    # Allowed by UTS 46 but not IDNA 2008 (emoji, symbols): browsers still visit
    # these, so encode as they do instead of losing the report.
    try:
        return "xn--" + label.encode("punycode").decode("ascii")
    except UnicodeError:
        raise AddressError(BAD_IDN) from None


def _check_dns_name(host: str) -> None:
    if len(host) > 253:
        raise AddressError(BAD_HOST)
    for label in host.split("."):
        if not _LABEL.fullmatch(label) or not re.search(r"[a-z0-9]", label):
            raise AddressError(BAD_HOST)
        if label.startswith("xn--") and not _is_punycode(label[4:]):
            raise AddressError(BAD_IDN)


def _is_punycode(encoded: str) -> bool:
    try:
        return bool(encoded.encode("ascii").decode("punycode"))
    except (UnicodeError, IndexError, ValueError):  # the codec raises more than UnicodeError on junk
        return False


def _ends_in_number(host: str) -> bool:
    """Browsers parse a host whose last label is a number as IPv4, or refuse it."""
    return _IPV4_NUMBER.fullmatch(host.rsplit(".", 1)[-1]) is not None


def _canonical_ipv4(host: str) -> str:
    """Parse IPv4 as browsers do: 1 to 4 parts, each decimal, octal (0177) or hex (0x7f)."""
    parts = host.split(".")
    if len(parts) > 4:
        raise AddressError(BAD_IPV4)
    numbers = [_ipv4_number(part) for part in parts]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise AddressError(BAD_IPV4)
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return str(ipaddress.IPv4Address(value))


def _ipv4_number(part: str) -> int:
    # Checked by pattern first: int() would also take "-1", "+1", " 1" and "1_0".
    if re.fullmatch(r"0[xX][0-9A-Fa-f]*", part):
        return int(part[2:] or "0", 16)
    if re.fullmatch(r"0[0-7]+", part):
        return int(part, 8)
    if re.fullmatch(r"0|[1-9][0-9]*", part):
        return int(part)
    raise AddressError(BAD_IPV4)


def _canonical_ipv6(inside: bytes) -> str:
    try:
        address = ipaddress.IPv6Address(inside.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise AddressError(BAD_IPV6) from None
    if address.scope_id is not None:  # "%eth0" names an interface on someone's own machine
        raise AddressError(BAD_IPV6)
    return f"[{address.compressed}]"


# --- Inline content ---------------------------------------------------------

_DATA_URI = re.compile(
    rb"(?<![a-z0-9+.\-])data:(?:[;,]|(?:image|video|audio|application|text|font|model|multipart|message)\b)",
    re.IGNORECASE,
)
_BASE64_MARKER = re.compile(rb";base64,", re.IGNORECASE)
_SVG = re.compile(rb"<svg", re.IGNORECASE)
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]+={0,2}")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]{%d,}" % MAGIC_RUN)
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_SEPARATORS = frozenset(b"/-_+")

# File signatures of images and video, searched in decoded bytes.
_MEDIA_SIGNATURE = re.compile(
    rb"\x89PNG\r\n\x1a\n"
    rb"|\xff\xd8\xff[\xc0-\xfe]"  # JPEG: SOI then any marker
    rb"|GIF8[79]a"
    rb"|RIFF.{4}(?:WEBP|AVI )"
    rb"|BM.{4}\x00\x00\x00\x00"  # BMP: size, then reserved zeros
    rb"|II\*\x00|MM\x00\*"  # TIFF
    rb"|ftyp[\x20-\x7e]{4}"  # MP4, MOV, 3GP, HEIC, AVIF
    rb"|\x1a\x45\xdf\xa3"  # WebM, Matroska
    rb"|FLV\x01"
    rb"|\x00\x00\x01[\xb3\xba]"  # MPEG video, MPEG program stream
    rb"|OggS\x00"
    rb"|\x00\x00\x00\x0c(?:jP  |JXL )\r\n\x87\n"  # JPEG 2000, JPEG XL
    rb"|8BPS\x00\x01"  # Photoshop
    rb"|\x30\x26\xb2\x75\x8e\x66\xcf\x11"  # ASF, WMV
    rb"|(?i:<svg)",
    re.DOTALL,
)


def _refuse_markers(data: bytes) -> None:
    if _DATA_URI.search(data):
        raise AddressError(DATA_URI)
    if _BASE64_MARKER.search(data):
        raise AddressError(BASE64_MARKER)
    if _SVG.search(data):
        raise AddressError(EMBEDDED_IMAGE)


def _refuse_inline_content(data: bytes, depth: int = 0) -> None:
    _refuse_markers(data)
    for match in _HEX_RUN.finditer(data):
        if any(_MEDIA_SIGNATURE.search(decoded) for decoded in _hex_decodings(match.group())):
            raise AddressError(EMBEDDED_IMAGE)
    for match in _BASE64_RUN.finditer(data):
        run = match.group()
        if len(run) >= MAGIC_RUN:
            _refuse_encoded_run(run, depth)


def _refuse_encoded_run(run: bytes, depth: int) -> None:
    decodings = list(_base64_decodings(run))
    if any(_MEDIA_SIGNATURE.search(decoded) for decoded in decodings):
        raise AddressError(EMBEDDED_IMAGE)
    texts = [decoded for decoded in decodings if _is_text(decoded)]
    if depth < MAX_DECODE_DEPTH:
        for text in texts:  # base64 of "data:image/png;base64,..." is still a picture
            _refuse_inline_content(text, depth + 1)
    if len(run) >= LONG_RUN and not texts and not _is_hex(run) and not _is_path_like(run):
        raise AddressError(LONG_BLOB)


def _base64_decodings(run: bytes) -> Iterator[bytes]:
    """Decode at each of the 4 offsets, so data that starts anywhere in the run is seen whole."""
    standard = run.rstrip(b"=").translate(_URLSAFE_TO_STANDARD)
    for offset in range(4):
        chunk = standard[offset:]
        chunk = chunk[: len(chunk) - len(chunk) % 4]
        try:
            yield base64.b64decode(chunk, validate=True)
        except binascii.Error:  # cannot happen after the translation; be safe anyway
            continue


def _hex_decodings(run: bytes) -> Iterator[bytes]:
    for offset in range(2):
        chunk = run[offset:]
        yield bytes.fromhex(chunk[: len(chunk) - len(chunk) % 2].decode("ascii"))


def _is_hex(run: bytes) -> bool:
    return re.fullmatch(rb"[0-9A-Fa-f]+", run) is not None


def _is_path_like(run: bytes) -> bool:
    separators = sum(1 for byte in run if byte in _SEPARATORS)
    return separators >= len(run) * SEPARATORS_PER_CHAR


def _is_text(decoded: bytes) -> bool:
    text = decoded.decode("utf-8", errors="replace")
    if not text:
        return False
    # U+FFFD stands for each undecodable byte and must not count as readable.
    readable = sum(1 for char in text if char != "\ufffd" and (char.isprintable() or char in "\t\r\n"))
    return readable >= len(text) * TEXT_RATIO


def inline_content_refusal(text: str) -> str | None:
    """Why free text (a report's description) must be refused for carrying a picture, or None.

    The same detectors as for addresses, on the text as typed and fully
    unescaped: a data: URI, a ;base64, marker, SVG markup, an encoded image
    signature or a long binary-looking blob.
    """
    data = text.encode("utf-8", errors="replace")
    try:
        _refuse_inline_content(data)
        _refuse_inline_content(_unescape_fully(data))
    except AddressError as refused:
        return str(refused.message)
    return None
