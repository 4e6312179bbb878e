"""Rate limits per API key (API_RATE_LIMIT, or the key's own rate), in the shared cache."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from memberapi.models import ApiKey

_RATE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")


def rate_check(rate: str, *, name: str) -> str:
    if not _RATE.fullmatch(rate):
        raise ImproperlyConfigured(f"{name} must look like 600/min (per s, min, hour or day), not {rate!r}")
    return rate


class PerKeyThrottle(SimpleRateThrottle):
    """One bucket per key: a member's busy machine never slows another key down.

    Several web machines must share one cache (CACHE_URL) for the limit to
    hold across them, as for the public form's limits.
    """

    scope = "api_key"
    cache_format = "memberapi:throttle:%(ident)s"

    def __init__(self) -> None:
        # The rate depends on the key, known only in allow_request.
        pass

    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True  # no key: refused by authentication anyway
        self.rate = api_key.rate_limit or settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"ident": request.auth.pk}
