"""The load balancer's question, answered cheaply: can this instance do its work?

    {"status": "ok", "checks": {"database": "ok", "broker": "ok", "workers": "ok"}}

No versions, host names or error texts: the answer is public. The broker and
worker checks are cached for HEALTH_CACHE_SECONDS, since a load balancer asks
every few seconds and a worker ping waits up to a second.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from dashboard import machinery

logger = logging.getLogger(__name__)
_CACHE_KEY = "dashboard:health-background"
OK, FAILED, EMBEDDED = "ok", "failed", "embedded"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health: database check failed: %s", type(exc).__name__)
        return FAILED
    return OK


def check_background() -> dict[str, str]:
    """Broker and workers; "embedded" for both when tasks run in this process."""
    if machinery.embedded():
        return {"broker": EMBEDDED, "workers": EMBEDDED}
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    try:
        machinery.broker_ping()
        broker = OK
    except Exception as exc:
        logger.warning("health: broker check failed: %s", type(exc).__name__)
        broker = FAILED
    workers = FAILED
    if broker == OK:
        try:
            workers = OK if machinery.workers_ping(timeout=machinery.PING_TIMEOUT) else FAILED
        except Exception as exc:
            logger.warning("health: worker ping failed: %s", type(exc).__name__)
    result = {"broker": broker, "workers": workers}
    cache.set(_CACHE_KEY, result, timeout=settings.HEALTH_CACHE_SECONDS)
    return result


def health() -> tuple[bool, dict[str, str]]:
    checks = {"database": check_database(), **check_background()}
    return all(value in (OK, EMBEDDED) for value in checks.values()), checks
