"""Cache entries that expire at a fixed moment, a window's boundary, whenever they were written.

A TTL counted from the moment of writing dates the entry to the millisecond
for anyone who can read Redis (PTTL), to be matched against a report's
received_at. On Redis the expiry is set with EXPIREAT on a whole second that
is a window boundary; other caches (development, tests) only take a relative
timeout, which is good enough where nobody else can read them.
"""

from __future__ import annotations

import math

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def _redis_pipeline(key: str):
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None, key
    full_key = cache.make_and_validate_key(key)
    return cache._cache.get_client(full_key, write=True).pipeline(), full_key


def counter_add(key: str, amount: int, *, expire_at: int, now: float) -> int:
    """Add to a counter that expires at `expire_at` (seconds since the epoch); its new value."""
    pipe, full_key = _redis_pipeline(key)
    if pipe is not None:
        pipe.incrby(full_key, amount)
        pipe.expireat(full_key, expire_at)
        return int(pipe.execute()[0])
    cache = caches["default"]
    timeout = max(1, math.ceil(expire_at - now))
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, amount)
    except ValueError:
        # The counter expired between add() and incr(): start afresh.
        cache.set(key, amount, timeout=timeout)
        return amount


def value_set(key: str, value: str, *, expire_at: int, now: float) -> None:
    """Keep a string until `expire_at` (seconds since the epoch)."""
    pipe, full_key = _redis_pipeline(key)
    if pipe is not None:
        # Django's serialiser: what cache.get() reads back as this string.
        pipe.set(full_key, caches["default"]._cache._serializer.dumps(value))
        pipe.expireat(full_key, expire_at)
        pipe.execute()
        return
    caches["default"].set(key, value, timeout=max(1, math.ceil(expire_at - now)))
