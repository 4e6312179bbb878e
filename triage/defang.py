"""Defanged addresses: readable by a person, dead to every browser, linkifier and mail client.

    defang("https://cdn.example.com:8080/a.b/c.jpg?x=1.2")  ->  "hxxps://cdn[.]example[.]com:8080/a.b/c[.]jpg?x=1.2"
    defang("http://192.0.2.7/x")                         ->  "hxxp://192[.]0[.]2[.]7/x"
    defang("http://[2001:db8::1]/x")                     ->  "hxxp://[2001[:]db8[:][:]1]/x"
    defang("https://t.co/r?u=https://evil.example/a")   ->  "hxxps://t[.]co/r?u=hxxps://evil[.]example/a"
    defang("http://victim.com@evil.com/x")               ->  "hxxp://victim[.]com@evil[.]com/x"

The scheme is broken (http → hxxp, ftp → fxp) and every dot of the host
becomes [.], IPv6 colons [:]. The rest (userinfo, path, query, fragment) is
kept readable but goes through `defang_text`: canonical forms are
percent-unescaped, so an address nested in a query (a redirector's target)
or in the userinfo would otherwise come out live.

`defang_text` is for free text that may contain addresses (a reporter's
description, an error message, an analyst's note): every "scheme://" is
broken, every host-like dotted token (a.b.example, 192.0.2.7) gets [.],
and "javascript:"-style prefixes get [:]. Other dots ("version 1.2",
"a.b" with a one-letter ending) stay, so the text is still readable.

Every function here also writes invisible control characters (a U+202E
right-to-left override, zero-width characters) out as `[U+202E]`, so staff
read what is stored (reportsite.textsafety).

`defang_text` is idempotent: defanging defanged text changes nothing.
Nothing is HTML-escaped here: templates do that. Text that is not an address
at all has every dot defanged and any scheme-like "xxx://" or "javascript:"
prefix broken, so it cannot become a link either.
"""

from __future__ import annotations

import re

from reportsite.textsafety import reveal_controls

_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps", "ws": "wxs", "wss": "wxss"}
_DEFANGED_SCHEMES = frozenset(_SCHEMES.values())
_ADDRESS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)$", re.DOTALL)
_LEADING_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
# Full stops that IDNA (and so browsers) read as a dot in a host name.
_DOTS = ".\u3002\uff0e\uff61"
_DOT = f"[{_DOTS}]"
# Any "scheme://", "scheme:\\" or "scheme:/\" (browsers accept backslashes) inside text.
_EMBEDDED_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):(?P<slashes>[/\\]{2})")
# Schemes that run or carry content without "//".
_SCRIPT_SCHEME = re.compile(r"(?<![\w+.\-])(?P<scheme>javascript|vbscript|livescript|data(?=:[\w.+\-]+/)):", re.I)
# A host-like token: dotted labels ending in a letters-only (or punycode) top-level label, or an IPv4 address.
_LABEL = r"[^\W_](?:[\w\-]*[^\W_])?"
_HOST_TOKEN = re.compile(
    rf"(?<![\w\-]){_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?:[^\W\d_]{{2,}}|xn--[\w\-]+)(?![\w\-])"
    rf"|(?<![\w.\-])\d{{1,3}}(?:{_DOT}\d{{1,3}}){{3}}(?![\w\-]|\.\d)",
    re.UNICODE,
)
# A dot not already defanged as "[.]".
_LIVE_DOT = re.compile(rf"(?<!\[){_DOT}|{_DOT}(?!\])")


def _dots(text: str) -> str:
    return _LIVE_DOT.sub("[.]", text)


def defang_host(host: str) -> str:
    """A host name or IP address with its dots (and IPv6 colons) defanged."""
    host = reveal_controls(host)
    if host.startswith("[") and host.endswith("]"):
        return "[" + _dots(host[1:-1].replace(":", "[:]")) + "]"
    if ":" in host and "." not in host:  # A bare IPv6 address, as DNS answers give them.
        return host.replace(":", "[:]")
    return _dots(host)


def _defang_authority(authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.find("]")
        host, port = (hostport[: end + 1], hostport[end + 1 :]) if end != -1 else (hostport, "")
    else:
        host, colon, port_number = hostport.partition(":")
        port = colon + port_number
    # The userinfo is shown, so "victim.com@" must not read as a host either.
    return f"{defang_text(_dots(userinfo))}{at}{defang_host(host)}{defang_text(port)}"


def _defang_scheme(scheme: str) -> str:
    lowered = scheme.lower()
    if lowered in _DEFANGED_SCHEMES:
        return scheme
    if lowered in _SCHEMES:
        return _SCHEMES[lowered]
    return scheme.replace("t", "x").replace("T", "X") if "t" in lowered else f"{scheme}x"


def _embedded_scheme(match: re.Match) -> str:
    scheme = match["scheme"]
    if scheme.lower() in _SCHEMES or scheme.lower() in _DEFANGED_SCHEMES:
        return f"{_defang_scheme(scheme)}:{match['slashes']}"
    return f"{scheme}[:]{match['slashes']}"  # Any other scheme: break the separator.


def defang_text(text: str | None) -> str:
    """Free text with every address in it defanged; see the module docstring."""
    if not text:
        return ""
    text = _EMBEDDED_SCHEME.sub(_embedded_scheme, reveal_controls(str(text)))
    text = _SCRIPT_SCHEME.sub(lambda m: m["scheme"] + "[:]", text)
    return _HOST_TOKEN.sub(lambda m: _dots(m.group(0)), text)


def defang(url: str | None) -> str:
    """The address as safe text; see the module docstring."""
    if not url:
        return ""
    url = reveal_controls(url)
    match = _ADDRESS.match(url)
    if match:
        scheme = _defang_scheme(match["scheme"])
        return f"{scheme}://{_defang_authority(match['authority'])}{defang_text(match['rest'])}"
    # Not an address we recognise: defang everything that could make it one.
    text = _dots(defang_text(url))
    return _LEADING_SCHEME.sub(lambda m: m.group(0).replace(":", "[:]"), text, count=1)
