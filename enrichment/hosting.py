"""Where an address is hosted: registrable domain, IP addresses, country and network.

Everything here works from offline data (the Public Suffix List bundled with
publicsuffixlist, the GeoLite2-derived data bundled with geoip2fast, or MaxMind
databases named in settings) except resolve_addresses(), which asks DNS.
Nothing here ever fetches an address's content.

Heavy data (the PSL, about 0.1 s to parse; the geoip2fast tables, about 0.3 s
and 100 MiB) is loaded on first use, not at import, so that importing this
module from web processes that never enrich stays cheap.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import dns.exception
import dns.name
import dns.resolver
import publicsuffixlist
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# --- Hosts and registrable domains ---------------------------------------------


def host_of(url: str) -> str:
    """The lowercase host of an http(s) URL, without brackets, port or credentials.

    Raises ValueError for other schemes or a URL without a host, so that a
    caller cannot silently enrich something that is not a web address.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname  # urlsplit lowercases it and drops [], :port and user@.
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    return host


def _normalise_host(host: str) -> str:
    # Accept what host_of() returns and also what people paste: "[::1]", "Example.COM."
    # A single trailing dot names the same DNS name, so it must not split groupings.
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.removesuffix(".")


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@functools.cache
def _psl() -> publicsuffixlist.PublicSuffixList:
    # Built from the snapshot shipped inside the package: publicsuffixlist only
    # downloads when its update module is run by hand, which we never do.
    # Private-section suffixes (github.io, blogspot.com, s3.amazonaws.com) are
    # kept on purpose: each user site there belongs to a different person, and a
    # hotline must not lump every GitHub Pages site into one "domain".
    # accept_unknown=True treats a TLD missing from the list (e.g. a new gTLD, or
    # an internal name) as a one-label suffix, like browsers do.
    # functools.cache: the worst case under a race is parsing twice; instances
    # are read-only and thread-safe once built.
    return publicsuffixlist.PublicSuffixList(accept_unknown=True, only_icann=False)


def registrable_domain(host: str) -> str | None:
    """The registrable domain (public suffix plus one label) of a host.

    ``a.b.example.co.uk`` → ``example.co.uk``; ``alice.github.io`` → ``alice.github.io``
    (private suffixes count, see _psl). Returns None for IP literals, for a host
    that is itself a public suffix (``co.uk``, ``github.io``: nobody in
    particular owns it, so grouping by it would be wrong), and for malformed
    hosts. Punycode (``xn--``) and Unicode hosts both work; the result is in the
    same form as the input, so callers should pass canonical (punycode) hosts.
    """
    host = _normalise_host(host)
    if not host or _ip_literal(host) is not None:
        return None
    if host.rsplit(".", 1)[-1].isdigit():
        # No TLD is numeric: this is an IPv4 address in a shorthand form such
        # as "127.1" that browsers accept. It has no registrable domain.
        return None
    return _psl().privatesuffix(host)


@functools.cache
def psl_data_version() -> str | None:
    """The upstream snapshot of the bundled PSL, e.g. '2026-10-22_08-36-41_UTC'.

    Recorded with enrichment results so that a later re-grouping can tell
    which list produced them. None if the file carries no VERSION header.
    """
    with open(publicsuffixlist.PSLFILE, encoding="utf-8") as psl_file:
        for line in itertools.islice(psl_file, 50):
            if line.startswith("// VERSION:"):
                return line.split(":", 1)[1].strip()
    return None


PSL_PACKAGE_VERSION: str = publicsuffixlist.__version__


# --- DNS -------------------------------------------------------------------------


class LookupFailed(OSError):
    """DNS gave no usable answer right now (timeout, SERVFAIL, no reachable server).

    An OSError, like other network failures, so that retry logic written for
    connection errors applies unchanged. "The name does not exist" is not a
    failure: resolve_addresses() returns [] for it.
    """

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"DNS lookup of {host!r} failed: {reason}")
        self.host = host
        self.reason = reason


class ResolverLike(Protocol):
    """The part of dns.resolver.Resolver that resolve_addresses() uses."""

    def resolve(self, qname: dns.name.Name, rdtype: str, **kwargs: Any) -> Iterable[Any]: ...


# A callable takes the ASCII host (no trailing dot) and "A" or "AAAA", and returns
# address strings or raises dnspython's exceptions, like Resolver.resolve would.
Resolver = ResolverLike | Callable[[str, str], Iterable[str]]


@functools.cache
def _default_resolver() -> dns.resolver.Resolver:
    # Our own instance rather than dnspython's global default, so that nothing
    # else in the process can reconfigure it under us. Reads /etc/resolv.conf.
    return dns.resolver.Resolver()


def resolve_addresses(host: str, *, resolver: Resolver | None = None) -> list[str]:
    """The IPv4 then IPv6 addresses a host name resolves to, each list sorted.

    An IP-literal host is returned as is, without any DNS query. A name that
    does not exist, or has no A/AAAA records, gives []. Timeouts and server
    failures raise LookupFailed (retry later). A malformed name raises
    ValueError (it will never resolve, so retrying is pointless).

    The whole call is bounded by settings.DNS_TIMEOUT. Answers are sorted
    because DNS servers rotate their order; sorting keeps stored results
    comparable between runs.
    """
    host = _normalise_host(host)
    literal = _ip_literal(host)
    if literal is not None:
        return [str(literal)]
    if not host:
        raise ValueError("empty host name")
    try:
        # Absolute name: search domains from resolv.conf must never be appended,
        # or "example" could silently resolve to "example.our-office.lan".
        qname = dns.name.from_text(host, origin=dns.name.root)
    except dns.exception.DNSException as exc:  # Empty or too-long labels, bad IDNA.
        raise ValueError(f"not a valid host name: {host!r}") from exc
    ascii_host = qname.to_text(omit_final_dot=True)
    try:
        query = _query_function(resolver, qname, ascii_host)
    except dns.exception.DNSException as exc:  # No usable /etc/resolv.conf.
        raise LookupFailed(ascii_host, str(exc)) from exc

    deadline = time.monotonic() + float(settings.DNS_TIMEOUT)
    found: set[IPAddress] = set()
    for rdtype in ("A", "AAAA"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LookupFailed(ascii_host, "timed out")
        try:
            answers = query(rdtype, remaining)
        except dns.resolver.NXDOMAIN:
            break  # The name does not exist; asking for AAAA would say the same.
        except dns.resolver.NoAnswer:
            continue  # The name exists but has no record of this type.
        except (dns.exception.DNSException, OSError) as exc:
            raise LookupFailed(ascii_host, str(exc) or type(exc).__name__) from exc
        found.update(ipaddress.ip_address(str(getattr(answer, "address", answer))) for answer in answers)
    return [str(address) for address in sorted(found, key=lambda address: (address.version, address))]


def _query_function(
    resolver: Resolver | None, qname: dns.name.Name, ascii_host: str
) -> Callable[[str, float], Iterable[Any]]:
    # One calling convention for the two kinds of injectable resolver.
    if resolver is None:
        resolver = _default_resolver()
    if hasattr(resolver, "resolve"):
        resolver_object: ResolverLike = resolver  # type: ignore[assignment]
        return lambda rdtype, lifetime: resolver_object.resolve(qname, rdtype, lifetime=lifetime, search=False)
    resolver_callable: Callable[[str, str], Iterable[str]] = resolver  # type: ignore[assignment]
    return lambda rdtype, lifetime: resolver_callable(ascii_host, rdtype)


# --- Country and network -----------------------------------------------------------

# The one bundled geoip2fast file with both country and AS names, for IPv4 and
# IPv6 (hosts often have AAAA records). The package default, geoip2fast.dat.gz,
# is country-only and IPv4-only. geoip2fast carries AS names but no AS numbers.
# geoip2fast keeps its tables in module globals, so nothing else in the process
# may load a different geoip2fast file.
GEOIP2FAST_DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"


@dataclass(frozen=True, slots=True)
class Location:
    """What the IP data says about one address; the first four fields are None for private/reserved IPs."""

    country_code: str | None  # ISO 3166-1 alpha-2, e.g. "US".
    country_name: str | None  # English name.
    asn: int | None  # Autonomous system number; never known from geoip2fast.
    network_name: str | None  # Autonomous system organisation, e.g. "GOOGLE".
    source: Literal["geoip2fast", "maxmind"]
    approximate: bool  # True for the bundled data: old and not authoritative.
    data_date: str | None  # ISO date the data was built, e.g. "2024-06-18".


@dataclass(frozen=True, slots=True)
class _Bundled:
    engine: Any  # geoip2fast.GeoIP2Fast
    data_date: str | None


@dataclass(frozen=True, slots=True)
class _MaxMindDb:
    reader: Any  # geoip2.database.Reader
    method: str  # Which Reader method answers for this database type.
    data_date: str


# Loading takes long enough (0.3 s for geoip2fast) that concurrent first calls
# would each load their own copy; one lock for all loaders is enough.
_load_lock = threading.Lock()
_bundled: _Bundled | None = None
_maxmind: dict[tuple[str, str], _MaxMindDb] = {}


def locate(ip: str) -> Location:
    """Country and network of one IP address, from offline data.

    Uses the MaxMind databases in settings.GEOIP_COUNTRY_DB / GEOIP_ASN_DB if
    either is set (a field whose database is not set stays None), otherwise the
    data bundled with geoip2fast. Raises ValueError for a string that is not an
    IP address and ImproperlyConfigured for a database that cannot be used.
    """
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:8.8.8.8 is 8.8.8.8; the data files only know the latter.
    country_path, asn_path = settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB
    # Load first so that a misconfiguration shows up on the first call, whatever the address.
    if country_path or asn_path:
        return _locate_maxmind(address, country_path, asn_path)
    return _locate_bundled(address)


def _is_public(address: IPAddress) -> bool:
    # Decided here rather than by the data files: geoip2fast misfiles some IPv6
    # special ranges (it reports ::1 as 0.0.0.0/8, and fe80::/10 as not found).
    # is_global does not exclude multicast, which no web site is hosted on.
    return address.is_global and not address.is_multicast


def _locate_bundled(address: IPAddress) -> Location:
    bundled = _bundled_data()
    nothing = Location(None, None, None, None, "geoip2fast", approximate=True, data_date=bundled.data_date)
    if not _is_public(address):
        return nothing
    result = bundled.engine.lookup(str(address))
    # geoip2fast reports "not found", "private" and internal errors in-band
    # ("--" or "" as the country code) instead of raising.
    if result.is_private or len(result.country_code) != 2 or not result.country_code.isalpha():
        country_code = country_name = None
    else:
        country_code, country_name = result.country_code, result.country_name or None
    return Location(
        country_code,
        country_name,
        None,
        result.asn_name or None,
        "geoip2fast",
        approximate=True,
        data_date=bundled.data_date,
    )


def _bundled_data() -> _Bundled:
    global _bundled
    if _bundled is None:
        with _load_lock:
            if _bundled is None:
                _bundled = _load_bundled()
    return _bundled


def _load_bundled() -> _Bundled:
    # geoip2fast sets PYTHONWARNINGS=ignore in os.environ when imported, which
    # would silence warnings in every subprocess we start later; undo that.
    saved = os.environ.get("PYTHONWARNINGS")
    try:
        import geoip2fast
        from geoip2fast.geoip2fast import GeoIP2Fast, GeoIPError
    finally:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved
    # A full path: given a bare file name, geoip2fast looks in the current
    # directory first, and it unpickles whatever it finds there.
    path = os.path.join(os.path.dirname(geoip2fast.__file__), GEOIP2FAST_DATA_FILE)
    try:
        engine = GeoIP2Fast(geoip2fast_data_file=path)
    except GeoIPError as exc:
        raise ImproperlyConfigured(f"cannot load the bundled geoip2fast data {path}: {exc}") from exc
    # source_info looks like "MAXMIND:GeoLite2-CountryASN-IPv4IPv6-en-20240618".
    match = re.search(r"(\d{4})(\d{2})(\d{2})$", engine.source_info or "")
    return _Bundled(engine, "-".join(match.groups()) if match else None)


def _locate_maxmind(address: IPAddress, country_path: str, asn_path: str) -> Location:
    country_db = _maxmind_db(country_path, "country") if country_path else None
    asn_db = _maxmind_db(asn_path, "asn") if asn_path else None
    # The older of the two: the result is no fresher than its stalest part.
    data_date = min(db.data_date for db in (country_db, asn_db) if db is not None)
    country_code = country_name = network_name = None
    asn = None
    if _is_public(address):
        if country_db is not None and (record := _maxmind_record(country_db, address)) is not None:
            # The registered country is MaxMind's fallback when it cannot place
            # an address (often anycast networks); better than nothing for deciding
            # which national hotline to pass a report on to.
            country = record.country if record.country.iso_code else record.registered_country
            country_code, country_name = country.iso_code, country.name
        if asn_db is not None and (record := _maxmind_record(asn_db, address)) is not None:
            asn, network_name = record.autonomous_system_number, record.autonomous_system_organization
    return Location(country_code, country_name, asn, network_name, "maxmind", approximate=False, data_date=data_date)


def _maxmind_record(db: _MaxMindDb, address: IPAddress) -> Any:
    from geoip2.errors import AddressNotFoundError

    try:
        return getattr(db.reader, db.method)(str(address))
    except AddressNotFoundError:
        return None
    except ValueError:  # An IPv6 address asked of an IPv4-only database.
        return None


# Which geoip2 Reader method to call for each kind of database, keyed by a
# fragment of the metadata database_type (the same test geoip2 itself applies).
# City and Enterprise databases contain everything a Country database does.
_MAXMIND_METHODS = {
    "country": (("City", "city"), ("Enterprise", "enterprise"), ("Country", "country")),
    "asn": (("GeoLite2-ASN", "asn"), ("GeoIP2-ISP", "isp")),
}


def _maxmind_db(path: str, kind: str) -> _MaxMindDb:
    # Opened once per process and path, then shared: geoip2 Readers are safe to
    # use from several threads. Replacing a database file needs a worker restart.
    key = (kind, path)
    db = _maxmind.get(key)
    if db is None:
        with _load_lock:
            db = _maxmind.get(key)
            if db is None:
                db = _maxmind[key] = _open_maxmind(path, kind)
    return db


def _open_maxmind(path: str, kind: str) -> _MaxMindDb:
    import geoip2.database
    import maxminddb

    setting = "GEOIP_COUNTRY_DB" if kind == "country" else "GEOIP_ASN_DB"
    try:
        reader = geoip2.database.Reader(path)
    except (OSError, maxminddb.InvalidDatabaseError, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting}={path!r} cannot be opened as a MaxMind database: {exc}") from exc
    metadata = reader.metadata()
    method = next((m for fragment, m in _MAXMIND_METHODS[kind] if fragment in metadata.database_type), None)
    if method is None:
        reader.close()
        raise ImproperlyConfigured(f"{setting}={path!r} is a {metadata.database_type} database, not a {kind} database")
    data_date = datetime.fromtimestamp(metadata.build_epoch, tz=UTC).date().isoformat()
    return _MaxMindDb(reader, method, data_date)
