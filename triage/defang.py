"""Defanged addresses: readable by a person, dead to every browser, linkifier and mail client.

    defang("https://cdn.example.com:8080/a.b/c?x=1.2")  ->  "hxxps://cdn[.]example[.]com:8080/a.b/c?x=1.2"
    defang("http://192.0.2.7/x")                         ->  "hxxp://192[.]0[.]2[.]7/x"
    defang("http://[2001:db8::1]/x")                     ->  "hxxp://[2001[:]db8[:][:]1]/x"

The scheme is broken (http → hxxp, ftp → fxp) and every dot of the host
becomes [.], IPv6 colons [:]; the path and query stay as they are, so the
analyst can still read them. Nothing is HTML-escaped here: templates do that.
Text that is not an address at all has every dot defanged and any scheme-like
"xxx://" or "javascript:" prefix broken, so it cannot become a link either.
"""

from __future__ import annotations

import re

_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps", "ws": "wxs", "wss": "wxss"}
_ADDRESS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)$", re.DOTALL)
_LEADING_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def defang_host(host: str) -> str:
    """A host name or IP address with its dots (and IPv6 colons) defanged."""
    if host.startswith("[") and host.endswith("]"):
        return "[" + host[1:-1].replace(":", "[:]").replace(".", "[.]") + "]"
    if ":" in host and "." not in host:  # A bare IPv6 address, as DNS answers give them.
        return host.replace(":", "[:]")
    return host.replace(".", "[.]")


def _defang_authority(authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.find("]")
        host, port = (hostport[: end + 1], hostport[end + 1 :]) if end != -1 else (hostport, "")
    else:
        host, colon, port_number = hostport.partition(":")
        port = colon + port_number
    return f"{userinfo}{at}{defang_host(host)}{port}"


def _defang_scheme(scheme: str) -> str:
    lowered = scheme.lower()
    if lowered in _SCHEMES:
        return _SCHEMES[lowered]
    return scheme.replace("t", "x").replace("T", "X") if "t" in lowered else f"{scheme}x"


def defang(url: str | None) -> str:
    """The address as safe text; see the module docstring."""
    if not url:
        return ""
    match = _ADDRESS.match(url)
    if match:
        scheme = _defang_scheme(match["scheme"])
        return f"{scheme}://{_defang_authority(match['authority'])}{match['rest']}"
    # Not an address we recognise: defang everything that could make it one.
    text = url.replace(".", "[.]")
    return _LEADING_SCHEME.sub(lambda m: m.group(0).replace(":", "[:]"), text, count=1)
