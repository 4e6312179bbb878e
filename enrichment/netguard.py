"""Which addresses a liveness check may connect to, and how a name becomes addresses.

A reported address is chosen by whoever reports it, so a check must never be a
way to reach our own machines, our network or a cloud metadata service (SSRF).
The decision is made on IP addresses, after resolution, and the connection then
goes to exactly the address that was judged (see `enrichment.liveness`).

Settings are read at call time so tests and lab set-ups can change them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from enrichment import hosting

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[IPAddress]]

DEFAULT_PORTS = {"http": 80, "https": 443}

# Always refused, even inside CHECK_ALLOW_NETWORKS: a lab network that allows
# 169.254.0.0/16 must still not expose the instance's credentials.
# AWS/GCP/Azure/Oracle IMDS, AWS ECS task metadata, AWS IMDS over IPv6, Alibaba
# Cloud metadata, Azure's WireServer (a public address only meaningful in Azure).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)

CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

# While set (by enrichment/tests/conftest.py), nothing may be dialled outside
# loopback and no DNS query may leave the machine, whatever a test gets wrong.
TEST_LOOPBACK_ONLY = False


class DnsError(Exception):
    """The name has no usable answer; the message says why, for the check's result.

    kind: "no_dns" when the name has no address (NXDOMAIN, no A/AAAA, or not
    a valid name), "dns_failure" when the look-up itself failed (timeout,
    SERVFAIL) and says nothing about the name.
    """

    def __init__(self, message: str, kind: str = "no_dns") -> None:
        super().__init__(message)
        self.kind = kind


def unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address a packet to `ip` really ends up at, for the IPv6 forms that carry one.

    IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002::/16), Teredo (2001::/32: the
    client, which is where the traffic goes) and NAT64 (64:ff9b::/96,
    64:ff9b:1::/48, the address in the last 32 bits).
    """
    if ip.version == 4:
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.CHECK_ALLOW_NETWORKS]


def _describe(ip: IPAddress, inner: IPAddress) -> str:
    return str(ip) if inner == ip else f"{inner} (inside {ip})"


def blocked_reason(ip: IPAddress) -> str | None:
    """Why a check must not connect to `ip`, or None when it may."""
    if getattr(ip, "scope_id", None):
        return f"IPv6 zone identifier in {ip}"
    inner = unwrap(ip)
    where = _describe(ip, inner)
    if ip in METADATA_ADDRESSES or inner in METADATA_ADDRESSES:
        return f"cloud metadata address {where}"
    allowed = _allowed_networks()
    if any(addr in net for addr in (ip, inner) for net in allowed if net.version == addr.version):
        return None
    # Most specific reason first: 127.0.0.1 is also "private" to Python.
    checks = (
        ("unspecified", inner.is_unspecified),
        ("loopback", inner.is_loopback),
        ("link-local", inner.is_link_local),
        # fec0::/10: deprecated (RFC 3879), but still routed inside some networks; Python calls it global.
        ("site-local", getattr(inner, "is_site_local", False)),
        ("shared address space (CGNAT)", inner in CGNAT),
        ("multicast", inner.is_multicast),
        ("private", inner.is_private),
        ("reserved", inner.is_reserved),
        ("not globally routable", not inner.is_global),
    )
    for label, hit in checks:
        if hit:
            return f"{label} address {where}"
    return None


def port_allowed(scheme: str, port: int | None) -> bool:
    """Only http and https, on 80, 443 and the ports in CHECK_ALLOW_PORTS.

    `port` None means the scheme's default. Either scheme may use any allowed
    port: http on 443 is odd but harmless; ssh, databases and the like are not.
    """
    if scheme not in DEFAULT_PORTS:
        return False
    if port is None:
        return True
    return port in {80, 443, *settings.CHECK_ALLOW_PORTS}


def resolve(host: str) -> list[IPAddress]:
    """A and AAAA answers for `host` (IPv4 first), within DNS_TIMEOUT; DnsError when there are none.

    The lookup is `enrichment.hosting.resolve_addresses`: dnspython, the name
    queried as absolute. Not socket.getaddrinfo, which has no timeout of its own
    and applies /etc/hosts and resolv.conf search domains, so a bare reported
    name like `intranet` could turn into one of our own hosts.

    `localhost` and `*.localhost` are answered here with loopback (RFC 6761),
    as a system resolver would; they are then judged like any other answer, so
    they are refused unless loopback is an allowed network.
    """
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1")]
    if TEST_LOOPBACK_ONLY:
        raise DnsError(f"no DNS answer: DNS disabled during tests (looked up {host})", "dns_failure")
    try:
        addresses = hosting.resolve_addresses(host)
    except hosting.LookupFailed as exc:
        raise DnsError(f"no DNS answer for {host} ({exc.reason})", "dns_failure") from None
    except ValueError:
        raise DnsError(f"no DNS answer: invalid host name {host!r}") from None
    if not addresses:
        raise DnsError(f"no DNS answer for {host}")
    return [ipaddress.ip_address(a) for a in addresses]


def url_refusal(url: str, *, resolver: Resolver | None = None, refuse_unresolved: bool = True) -> str | None:
    """Why a request of ours to `url` must not be sent, or None when it may.

    For requests the hotline makes to addresses it was given rather than
    chose: an RDAP server's redirect, a partner's webhook. The host's every
    address is judged as a liveness check's would be (CHECK_ALLOW_NETWORKS
    included). A name without an answer is refused, unless
    refuse_unresolved is False (a URL being saved, whose name may not be
    set up yet: it is asked again at each use, as DNS may change).
    """
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return f"{url} is not a valid URL"
    if not host:
        return f"{url} names no host"
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = (resolver or resolve)(host)
        except DnsError as exc:
            return str(exc) if refuse_unresolved else None
    for ip in addresses:
        reason = blocked_reason(ip)
        if reason:
            return f"{host} is an internal address ({reason})"
    return None
