"""The DNS response policy zone (RPZ) of whole domains dedicated to abuse.

Only domains an analyst marked as dedicated, and a second senior analyst
confirmed, are here (memberapi.models.Listing.domain); a page-level entry
never becomes a domain block. Each domain is listed with its subdomains
(`*.domain`). The policy is NXDOMAIN (`CNAME .`) or, with RPZ_SPLASH_CNAME,
a CNAME to the member's splash page. Names are relative, so members may load
the file under any zone name. The serial is the position of the zone's last
change (feeds.selectors.rpz_serial_at).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

log = logging.getLogger(__name__)

TTL = 300  # seconds a resolver may cache a policy answer
# Refresh, retry, expire, negative TTL: for members who serve it on by zone transfer in their own network.
SOA_TIMERS = "3600 600 2419200 300"

# A hostname of letter-digit-hyphen labels (underscore too, for SRV-like names).
# Anything else is never written: a domain name must not be able to add a line to the zone.
_LABEL = r"(?!-)[a-z0-9_-]{1,63}(?<!-)"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


def name_valid(name: str) -> bool:
    return len(name) <= 240 and _NAME.fullmatch(name) is not None


def splash_target() -> str:
    """`.` (NXDOMAIN) or the splash page's absolute name."""
    splash = (settings.RPZ_SPLASH_CNAME or "").strip().lower().rstrip(".")
    return f"{splash}." if splash else "."


def zone_render(*, domains: list[str], serial: int, position: int) -> str:
    target = splash_target()
    lines = [
        "; Whole domains dedicated to child sexual abuse material, each confirmed by two analysts.",
        f"; List position {position}. Names are relative: load it under any zone name, e.g. rpz.local.",
        f"$TTL {TTL}",
        f"@ IN SOA localhost. hostmaster.localhost. {serial % 2**32} {SOA_TIMERS}",
        "@ IN NS localhost.",
    ]
    for domain in domains:
        if not name_valid(domain):
            log.warning("rpz: domain %r is not a plain hostname; left out of the zone", domain[:80])
            continue
        lines.append(f"{domain} CNAME {target}")
        lines.append(f"*.{domain} CNAME {target}")
    return "\n".join(lines) + "\n"
