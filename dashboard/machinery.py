"""Is the machinery healthy: workers, broker queues, records stuck, notices failing.

Asking the broker takes up to a second, so the whole section is cached for
MACHINERY_CACHE_SECONDS; the dashboard and /metrics read the cached copy.
In embedded mode (no CELERY_BROKER_URL) there is no broker and no worker:
tasks run inside the web process, and the section says so.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from reports.models import UrlRecord
from takedown.models import NoticeBatch

logger = logging.getLogger(__name__)

QUEUES = ("default", "enrich", "notices")
_CACHE_KEY = "dashboard:machinery"
_SEEN_KEY = "dashboard:workers-last-seen"
PING_TIMEOUT = 1.0


def embedded() -> bool:
    from reportsite.celery import app

    return bool(app.conf.task_always_eager)


def broker_kind() -> str:
    """ "redis", "amqp", … or "embedded": never the host, user or password."""
    if embedded():
        return "embedded"
    from reportsite.celery import app

    return urlsplit(str(app.conf.broker_url)).scheme or "unknown"


def broker_ping() -> bool:
    from reportsite.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


def workers_ping(timeout: float = PING_TIMEOUT) -> list[str]:
    """Names of the workers that answered a ping within `timeout` seconds."""
    from reportsite.celery import app

    answers = app.control.inspect(timeout=timeout).ping() or {}
    return sorted(answers)


def queue_lengths() -> dict[str, int | None]:
    """Messages waiting in each queue; None for a queue the broker does not know (yet)."""
    from reportsite.celery import app

    lengths: dict[str, int | None] = {}
    with app.connection_for_read() as conn:
        for name in QUEUES:
            # A channel per queue: a passive declare of a missing queue closes
            # an AMQP channel, and the Redis transport answers the same call.
            channel = conn.channel()
            try:
                lengths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except Exception:
                lengths[name] = None
            finally:
                # The broker may have closed it already.
                with contextlib.suppress(Exception):
                    channel.close()
    return lengths


@dataclass
class Worker:
    name: str
    last_seen: datetime
    answering: bool


@dataclass
class Machinery:
    checked_at: datetime
    broker: str  # "embedded", "redis", "amqp"…
    broker_ok: bool | None = None  # None in embedded mode
    workers: list[Worker] = field(default_factory=list)
    queues: dict[str, int | None] = field(default_factory=dict)
    records_new: int = 0
    records_stuck_queued: int = 0
    records_failed: int = 0
    batches_failed: int = 0
    batches_retrying: int = 0
    last_batch_failure: datetime | None = None
    settings_shown: list[tuple[str, str]] = field(default_factory=list)

    @property
    def embedded(self) -> bool:
        return self.broker == "embedded"


def _records_and_notices(now: datetime) -> dict:
    # Both go through the pipeline index (enrichment_state, queued_at).
    records = UrlRecord.objects.filter(enrichment_state__in=["new", "queued", "failed"]).aggregate(
        new=Count("pk", filter=Q(enrichment_state="new")),
        stuck=Count("pk", filter=Q(enrichment_state="queued", queued_at__lt=now - settings.SWEEP_QUEUED_AFTER)),
        failed=Count("pk", filter=Q(enrichment_state="failed")),
    )
    # Notice batches are a small table: one per recipient per batching delay.
    batches = NoticeBatch.objects.filter(Q(state="failed") | Q(state__in=["pending", "sending"], attempts__gt=0))
    notices = batches.aggregate(
        failed=Count("pk", filter=Q(state="failed")),
        retrying=Count("pk", filter=~Q(state="failed")),
        last=Max("next_attempt_at", filter=Q(state="failed")),
    )
    return {"records": records, "notices": notices}


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % (60 * 24) == 0:
        return f"{minutes // (60 * 24)} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def effective_settings() -> list[tuple[str, str]]:
    """Routing, notice, tracking and retention settings as they are in force: no secrets, no hosts."""
    s = settings
    return [
        ("Home country (notice to the hosting provider)", s.HOME_COUNTRY),
        ("Notice batching delay", _duration(s.NOTICE_BATCH_DELAY)),
        ("Notice delivery attempts", str(s.NOTICE_MAX_ATTEMPTS)),
        ("Re-check after a notice", _duration(s.TAKEDOWN_CHECK_INTERVAL)),
        ("Repeat notice after", _duration(s.TAKEDOWN_REPEAT_AFTER)),
        ("Escalate after", _duration(s.TAKEDOWN_ESCALATE_AFTER)),
        ("Watch removed addresses for", _duration(s.REMOVED_WATCH)),
        ("Reporter email kept after closing", f"{s.RETENTION_CONTACT_DAYS} d"),
        ("Report description kept after closing", f"{s.RETENTION_DESCRIPTION_DAYS} d"),
        ("Enrichment attempts", str(s.ENRICH_MAX_ATTEMPTS)),
        ("Re-queue a lost record after", _duration(s.SWEEP_QUEUED_AFTER)),
        ("Broker", broker_kind()),
    ]


def _remember_workers(names: list[str], now: datetime) -> list[Worker]:
    """Merge who answered now with who answered before, so a silent worker shows its last heartbeat."""
    seen: dict[str, datetime] = cache.get(_SEEN_KEY) or {}
    for name in names:
        seen[name] = now
    # Forget workers silent for a day: a renamed or retired host would otherwise stay for ever.
    seen = {name: at for name, at in seen.items() if now - at < timedelta(days=1)}
    cache.set(_SEEN_KEY, seen, timeout=2 * 86400)
    return [Worker(name, at, name in names) for name, at in sorted(seen.items())]


def machinery_check() -> Machinery:
    """Ask the broker and the database now (slow: up to PING_TIMEOUT and a few queries)."""
    now = timezone.now()
    state = Machinery(checked_at=now, broker=broker_kind(), settings_shown=effective_settings())
    counts = _records_and_notices(now)
    state.records_new = counts["records"]["new"]
    state.records_stuck_queued = counts["records"]["stuck"]
    state.records_failed = counts["records"]["failed"]
    state.batches_failed = counts["notices"]["failed"]
    state.batches_retrying = counts["notices"]["retrying"]
    state.last_batch_failure = counts["notices"]["last"]
    if state.embedded:
        return state
    try:
        state.broker_ok = broker_ping()
        state.queues = queue_lengths()
        state.workers = _remember_workers(workers_ping(), now)
    except Exception as exc:
        logger.warning("broker check failed: %s", type(exc).__name__)
        state.broker_ok = False
        state.workers = _remember_workers([], now)
    return state


def machinery_cached() -> Machinery:
    state = cache.get(_CACHE_KEY)
    if state is None:
        state = machinery_check()
        cache.set(_CACHE_KEY, state, timeout=settings.MACHINERY_CACHE_SECONDS)
    return state
