"""Limits on reports, per client and for the whole site.

What the cache holds must tell someone who can read it (a Redis dump, a
shared Redis, a backup) neither a reporter's address nor when within the
hour they reported:

- A client is keyed by an HMAC of its address with a secret derived from
  SECRET_KEY and the day number. The secret is never in the cache, so the
  keys cannot be matched against the 2^32 IPv4 addresses by someone with
  the cache alone; it changes daily, and a key lives only until the end of
  its hour.
- IPv6 clients are keyed by their /64 network: one connection usually has
  a whole /64, and keying by the full address would let it walk round the
  limit. Not internal addresses, such as the onion service's circuits.
- Every key expires at a fixed window boundary (EXPIREAT on Redis, see
  publicsite.cachewindow), so its TTL says which window it belongs to and
  nothing finer. A TTL counted from creation would date the key to the
  millisecond, to be matched against Report.received_at.

The site-wide limit protects the service from a flood without being able
to shut every genuine reporter out for an hour. REPORT_GLOBAL_RATE_LIMIT
is given per hour but enforced as a rate over a sliding minute (the
current minute's count plus the part of the previous one still inside the
last 60 seconds), so a burst is refused only while it lasts, and only
reports let through are counted, so refused attempts of a flood do not
keep the count up. A client's first few reports of the hour may go over
that rate up to twice it: a flood from a few addresses uses up the shared
rate, but someone reporting for the first time still gets through; only a
flood from many addresses at once, and only while it lasts, shuts them
out as well. The form keeps what was typed and asks to send again in a
few minutes (templates/reports/form.html).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from publicsite.cachewindow import counter_add

WINDOW_SECONDS = 3600
SITE_WINDOW_SECONDS = 60
# Reports of the hour from one client that may use the site-wide reserve.
NEWCOMER_REPORTS = 3
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    scope: str = ""  # "client" or "site" when refused


def _daily_secret(day: int) -> bytes:
    # From the settings, never from the cache: see the module's docstring.
    return hmac.new(settings.SECRET_KEY.encode(), f"publicsite.ratelimit:{day}".encode(), hashlib.sha256).digest()


def client_network(address: str) -> str:
    """The part of a client address that names one client: an IPv4 address, or an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        # Only a public address's /64 is one subscriber's. An internal one is
        # what our own front end makes: tor's HiddenServiceExportCircuitID
        # gives each circuit an address in fc00:dead:beef:4dad::/64, and keying
        # those by /64 would put every Tor user under one limit.
        if ip.is_global:
            return str(ipaddress.ip_network(f"{ip.exploded}/64", strict=False))
    return str(ip)


def client_key(request: HttpRequest, *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    network = client_network(request.META.get(settings.CLIENT_IP_META_KEY, ""))
    secret = _daily_secret(int(now // 86400))
    return hmac.new(secret, network.encode(), hashlib.sha256).hexdigest()[:32]


def report_allowance_take(request: HttpRequest, *, now: float | None = None) -> Verdict:
    """Count one report against both limits; refuse when either is spent.

    With the cache unreachable the report is let through: losing a report
    is worse than a few minutes without a rate limit.
    """
    try:
        return _allowance_take(request, now=now)
    except Exception:
        logger.warning("cache unavailable: the report rate limit is not applied", exc_info=True)
        return Verdict(True)


def _allowance_take(request: HttpRequest, *, now: float | None = None) -> Verdict:
    now = time.time() if now is None else now
    client_limit = settings.REPORT_RATE_LIMIT
    site_limit = settings.REPORT_GLOBAL_RATE_LIMIT
    reports_this_hour = 0
    if client_limit or site_limit:
        window = int(now // WINDOW_SECONDS)
        key = f"ratelimit:client:{client_key(request, now=now)}:{window}"
        reports_this_hour = counter_add(key, 1, expire_at=(window + 1) * WINDOW_SECONDS, now=now)
    if client_limit and reports_this_hour > client_limit:
        return Verdict(False, "client")
    if site_limit and not _site_take(site_limit, newcomer=reports_this_hour <= NEWCOMER_REPORTS, now=now):
        return Verdict(False, "site")
    return Verdict(True)


def _site_take(hourly_limit: int, *, newcomer: bool, now: float) -> bool:
    per_minute = math.ceil(hourly_limit * SITE_WINDOW_SECONDS / WINDOW_SECONDS)
    ceiling = 2 * per_minute if newcomer else per_minute
    minute = int(now // SITE_WINDOW_SECONDS)
    # Each minute's count is kept through the next minute, for the sliding estimate.
    expire_at = (minute + 2) * SITE_WINDOW_SECONDS
    current = counter_add(f"ratelimit:site:{minute}", 1, expire_at=expire_at, now=now)
    previous = caches["default"].get(f"ratelimit:site:{minute - 1}") or 0
    still_inside = 1 - (now % SITE_WINDOW_SECONDS) / SITE_WINDOW_SECONDS
    if previous * still_inside + current <= ceiling:
        return True
    # Refused: taken back, so that a flood's refused attempts do not keep the count up.
    counter_add(f"ratelimit:site:{minute}", -1, expire_at=expire_at, now=now)
    return False
