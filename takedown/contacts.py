"""Finding who to tell: the hosting provider's abuse desk, a partner hotline, the police channel.

Plain look-ups over the Recipient table; only approved, active recipients
are ever chosen (a contact found over RDAP waits for a manager).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from enrichment.models import HostAddress
from reports.models import UrlRecord
from takedown.models import Recipient

Kind = Recipient.Kind


@dataclass(frozen=True)
class Match:
    recipient: Recipient
    why: str


def _usable(kind: str):
    return Recipient.objects.filter(kind=kind, active=True, approved=True).order_by("pk")


def hosting_contact_for(record: UrlRecord, *, include_unapproved: bool = False) -> Match | None:
    """The abuse contact whose address block, AS number or network name covers the record.

    The most specific match wins: the longest address block holding one of
    the record's addresses, then an AS number, then a network name.
    """
    hosts = list(HostAddress.objects.filter(record=record).values_list("ip", "asn", "network_name"))
    ips = [ipaddress.ip_address(ip) for ip, _, _ in hosts]
    asns = {asn for _, asn, _ in hosts if asn}
    names = {name.casefold() for _, _, name in hosts if name}
    if record.network_name:
        names.add(record.network_name.casefold())

    candidates = Recipient.objects.filter(kind=Kind.HOSTING_PROVIDER, active=True).order_by("pk")
    if not include_unapproved:
        candidates = candidates.filter(approved=True)
    best: tuple[int, Match] | None = None
    for contact in candidates:
        for network in contact.cidr_list():
            for ip in ips:
                if ip.version == network.version and ip in network:
                    score = 1000 + network.prefixlen
                    if best is None or score > best[0]:
                        best = (score, Match(contact, f"{ip} is in {network}, listed for {contact.name}"))
        if best is None or best[0] < 500:
            shared = asns.intersection(contact.asn_list())
            if shared:
                best = (500, Match(contact, f"AS{min(shared)} is listed for {contact.name}"))
        if best is None:
            shared_names = names.intersection(contact.network_name_list())
            if shared_names:
                best = (100, Match(contact, f"network {min(shared_names)!r} is listed for {contact.name}"))
    return best[1] if best else None


def partner_for(country_code: str) -> Recipient | None:
    """The partner hotline covering this country (the first entered, if several do)."""
    if not country_code:
        return None
    for partner in _usable(Kind.PARTNER_HOTLINE):
        if country_code.upper() in partner.country_list():
            return partner
    return None


def law_enforcement_for(country_code: str) -> Recipient | None:
    """The law-enforcement channel for this country, else the default one (no countries listed)."""
    channels = list(_usable(Kind.LAW_ENFORCEMENT))
    for channel in channels:
        if country_code and country_code.upper() in channel.country_list():
            return channel
    return next((channel for channel in channels if not channel.country_list()), None)
