"""Hourly limits on reports, per client and for the whole site.

The client key is an HMAC of the client's address with a random secret that
lives in the cache for one day. The address itself is never stored, and once
the day's secret expires nobody can tell which key belonged to which address.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    scope: str = ""  # "client" or "site" when refused


def _daily_secret(day: int) -> bytes:
    key = f"ratelimit:secret:{day}"
    # add() is atomic on Redis: every web machine ends up with the same secret.
    cache.add(key, secrets.token_hex(32), timeout=2 * 86400)
    value = cache.get(key)
    return (value or "").encode()


def client_key(request: HttpRequest, *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    address = request.META.get(settings.CLIENT_IP_META_KEY, "")
    secret = _daily_secret(int(now // 86400))
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _take(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        return cache.incr(key) <= limit
    except ValueError:
        # The counter expired between add() and incr(): start a fresh window.
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        return limit >= 1


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
    window = int(now // WINDOW_SECONDS)
    client_limit = settings.REPORT_RATE_LIMIT
    if client_limit and not _take(f"ratelimit:client:{client_key(request, now=now)}:{window}", client_limit):
        return Verdict(False, "client")
    site_limit = settings.REPORT_GLOBAL_RATE_LIMIT
    if site_limit and not _take(f"ratelimit:site:{window}", site_limit):
        return Verdict(False, "site")
    return Verdict(True)
