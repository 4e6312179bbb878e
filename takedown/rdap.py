"""Who handles abuse for an IP address, asked over RDAP (RFC 9082, 9083) and read from the answer.

    IANA's bootstrap file (ipv4.json / ipv6.json in RDAP_BOOTSTRAP_DIR) ─┐
        or RDAP_SERVERS in turn (ARIN redirects to the right registry) ──┴─▶ GET {base}ip/{address}
                                        ≤ 3 redirects, https only, ≤ 1 MiB ─▶ network object ─▶ RdapNetwork

`network_parse` is pure (tested on fixtures); `abuse_lookup` talks to the
network. Nothing here touches the database.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from enrichment import netguard

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
# An allocation split into more blocks than this is not a network anyone meant to hand us.
MAX_CIDRS = 16
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HEADERS = {"Accept": "application/rdap+json", "User-Agent": "reportsite-rdap"}


class RdapError(Exception):
    """The look-up failed (network, HTTP status, refused redirect, not RDAP); the message says why."""


@dataclass(frozen=True)
class RdapNetwork:
    """What an RDAP "ip network" object says about who to tell; email is "" when it names nobody usable."""

    handle: str
    name: str
    organisation: str
    email: str
    cidrs: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RdapAnswer:
    network: RdapNetwork | None  # None: the registry has no network for the address (HTTP 404)
    server: str  # the URL that answered, after redirects


# --- Reading the answer ------------------------------------------------------------


def _vcard(entity: dict) -> list[list]:
    card = entity.get("vcardArray")
    if isinstance(card, list) and len(card) == 2 and isinstance(card[1], list):
        return [prop for prop in card[1] if isinstance(prop, list) and len(prop) >= 4]
    return []


def _vcard_values(entity: dict, name: str) -> list[str]:
    return [prop[3].strip() for prop in _vcard(entity) if prop[0] == name and isinstance(prop[3], str)]


def _list(value: object) -> list:
    """A JSON array, or nothing: a field of the wrong type is ignored rather than trusted."""
    return value if isinstance(value, list) else []


def _entities(data: dict) -> list[dict]:
    """Every entity of the object, nearest first (ARIN nests the abuse desk inside the organisation)."""
    found: list[dict] = []
    level = [e for e in _list(data.get("entities")) if isinstance(e, dict)]
    while level and len(found) < 200:  # a hostile answer could nest without end
        found.extend(level)
        level = [child for e in level for child in _list(e.get("entities")) if isinstance(child, dict)]
    return found


def _roles(entity: dict) -> set[str]:
    return {str(role).lower() for role in _list(entity.get("roles"))}


def _valid_email(candidates: list[str], notes: list[str]) -> str:
    for candidate in candidates:
        try:
            validate_email(candidate)
        except ValidationError:
            notes.append("An email address in the answer is not valid and was ignored.")
            continue
        return candidate[:254]
    return ""


def _cidrs(data: dict, notes: list[str]) -> tuple[str, ...]:
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for item in _list(data.get("cidr0_cidrs")):
        if not isinstance(item, dict):
            continue
        prefix = item.get("v4prefix") or item.get("v6prefix")
        try:
            networks.append(ipaddress.ip_network(f"{prefix}/{int(item.get('length'))}", strict=False))
        except (TypeError, ValueError):
            notes.append("A cidr0 block in the answer is not valid and was ignored.")
    if not networks and data.get("startAddress") and data.get("endAddress"):
        try:
            start = ipaddress.ip_address(data["startAddress"])
            end = ipaddress.ip_address(data["endAddress"])
            networks = list(ipaddress.summarize_address_range(start, end))
        except (TypeError, ValueError):
            notes.append("The network's start and end addresses are not a valid range.")
    if len(networks) > MAX_CIDRS:
        notes.append(f"The network is {len(networks)} blocks; only the first {MAX_CIDRS} are kept.")
    return tuple(str(network) for network in networks[:MAX_CIDRS])


def network_parse(data: object) -> RdapNetwork:
    """The network, its blocks and its abuse contact, from one RDAP "ip network" object.

    The abuse contact is the email of the nearest entity with the "abuse"
    role. Only when no entity has that role does the registrant's or the
    technical contact's email stand in, and the notes say so, for the
    manager who approves it.
    """
    if not isinstance(data, dict) or data.get("objectClassName") != "ip network":
        raise RdapError("The answer is not an RDAP IP network object.")
    notes: list[str] = []
    entities = _entities(data)
    abuse = [e for e in entities if "abuse" in _roles(e)]
    registrants = [e for e in entities if "registrant" in _roles(e)]
    if abuse:
        email = _valid_email([v for e in abuse for v in _vcard_values(e, "email")], notes)
        if not email:
            notes.append("The abuse contact in the answer has no usable email address.")
    else:
        stand_ins = registrants + [e for e in entities if "technical" in _roles(e)]
        email = _valid_email([v for e in stand_ins for v in _vcard_values(e, "email")], notes)
        if email:
            notes.append("No abuse contact in the answer: this is the registrant's or technical contact's email.")
    name = str(data.get("name") or "").strip()[:200]
    handle = str(data.get("handle") or "").strip()[:200]
    organisation = next((fn for e in registrants for fn in _vcard_values(e, "fn") if fn), "")
    return RdapNetwork(
        handle=handle,
        name=name,
        organisation=(organisation or name or handle)[:200],
        email=email,
        cidrs=_cidrs(data, notes),
        notes=tuple(dict.fromkeys(notes)),
    )


# --- Which server to ask -------------------------------------------------------------


def bootstrap_servers(ip: IPAddress, directory: str | Path) -> list[str]:
    """The base URLs IANA's bootstrap file gives for the longest prefix holding `ip`, https first.

    Raises OSError or ValueError when the file is missing or not the RFC 9224 format.
    """
    path = Path(directory) / ("ipv4.json" if ip.version == 4 else "ipv6.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    best: tuple[int, list[str]] = (-1, [])
    for service in data["services"]:
        prefixes, urls = service[0], service[1]
        for prefix in prefixes:
            try:
                network = ipaddress.ip_network(prefix, strict=False)
            except ValueError:
                continue
            if network.version == ip.version and ip in network and network.prefixlen > best[0]:
                best = (network.prefixlen, [str(url) for url in urls])
    return sorted(best[1], key=lambda url: not url.startswith("https://"))


def servers_for(ip: IPAddress) -> list[str]:
    """The bootstrap file's servers for `ip` when configured and it has some, else RDAP_SERVERS."""
    if settings.RDAP_BOOTSTRAP_DIR:
        try:
            servers = bootstrap_servers(ip, settings.RDAP_BOOTSTRAP_DIR)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            logger.warning("RDAP bootstrap file unreadable in %s; asking RDAP_SERVERS", settings.RDAP_BOOTSTRAP_DIR)
        else:
            if servers:
                return servers
    return list(settings.RDAP_SERVERS)


# --- Asking ------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str) -> None:
    """https anywhere; plain http only to a loopback address (a test or lab server)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https" and bool(host)
    if not secure and not (parts.scheme == "http" and _loopback(host)):
        raise RdapError(f"Refused {url}: RDAP is asked over https only.")
    if netguard.TEST_LOOPBACK_ONLY and not _loopback(host):
        # Tests never leave the machine, whatever a test forgets to configure.
        raise RdapError(f"Refused {url}: tests only reach loopback.")


def _redirect_target(current: str, target: str) -> str:
    """`target`, unless it leaves the server for an internal address (an RDAP server is not ours to trust)."""
    _check_url(target)
    here, there = urlsplit(current), urlsplit(target)
    if (here.scheme, here.netloc) == (there.scheme, there.netloc):
        return target  # The same server, already judged: a redirect there reaches nothing new.
    refusal = netguard.url_refusal(target)
    if refusal:
        raise RdapError(f"Refused the redirect to {target}: {refusal}.")
    return target


def _read_capped(response: requests.Response, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise RdapError(f"The answer from {response.url} is larger than {MAX_BYTES} bytes.")
    body = bytearray()
    for chunk in response.iter_content(64 * 1024):
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise RdapError(f"The answer from {response.url} is larger than {MAX_BYTES} bytes.")
        if time.monotonic() > deadline:
            # A server trickling bytes inside the read timeout would otherwise hold a worker forever.
            raise RdapError(f"The answer from {response.url} took longer than {settings.RDAP_TIMEOUT} seconds.")
    return bytes(body)


def _fetch(session: requests.Session, url: str) -> tuple[str, object | None]:
    """GET an RDAP URL following redirects ourselves; (final URL, JSON) or (final URL, None) on 404."""
    for _hop in range(MAX_REDIRECTS + 1):
        _check_url(url)
        deadline = time.monotonic() + settings.RDAP_TIMEOUT
        try:
            with session.get(
                url, headers=HEADERS, timeout=settings.RDAP_TIMEOUT, stream=True, allow_redirects=False
            ) as response:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise RdapError(f"{url} redirected nowhere.")
                    url = _redirect_target(url, urljoin(url, location))
                    continue
                if response.status_code == 404:
                    return url, None
                if response.status_code != 200:
                    raise RdapError(f"{url} answered HTTP {response.status_code}.")
                body = _read_capped(response, deadline)
        except requests.RequestException as exc:
            raise RdapError(f"{url}: {type(exc).__name__}: {exc}") from exc
        try:
            return url, json.loads(body)
        except ValueError as exc:
            raise RdapError(f"{url} did not answer JSON.") from exc
    raise RdapError(f"More than {MAX_REDIRECTS} redirects; stopped at {url}.")


def abuse_lookup(ip: str) -> RdapAnswer:
    """Ask RDAP who holds `ip` and who handles abuse there; raises RdapError when no server answered."""
    address = ipaddress.ip_address(ip)
    errors: list[str] = []
    not_found: str | None = None
    with requests.Session() as session:
        for base in servers_for(address):
            url = f"{base.rstrip('/')}/ip/{address}"
            try:
                final, data = _fetch(session, url)
                if data is None:
                    not_found = final
                    continue
                return RdapAnswer(network=network_parse(data), server=final)
            except RdapError as exc:
                errors.append(str(exc))
    if not_found is not None:
        return RdapAnswer(network=None, server=not_found)
    raise RdapError(" ".join(errors) or "No RDAP server is configured (RDAP_SERVERS).")
