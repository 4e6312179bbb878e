"""Re-checking tracked addresses on a schedule, each at its own interval.

The routing step flags a record with record_track(); every beat tick then
claims the records that are due and queues one re-check for each. A claim
does not mark anything as "in progress": it moves next_check_at forward by a
short lease. A re-check that runs sets the real next time (last check plus
the record's interval); one whose message was lost (broker down, worker
killed) simply leaves the lease to expire, and the record is due again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from enrichment import liveness, services
from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from reportsite.queueing import enqueue_by_name, send_until_failure

logger = logging.getLogger(__name__)

# How long a claimed record waits before another claim may take it again if
# its re-check never ran. Longer than a check can take (CELERY_TASK_TIME_LIMIT),
# short enough that a lost message costs minutes, not a whole interval. A
# message that waits in a backlog longer than this may give one extra check,
# which only adds a row.
CLAIM_LEASE = timedelta(minutes=10)


def record_track(
    *, record: UrlRecord, interval: timedelta | None = None, first_check_at: datetime | None = None
) -> None:
    """Re-check this record every `interval` (None: LIVENESS_DEFAULT_INTERVAL), first at `first_check_at` (now)."""
    if interval is not None and interval <= timedelta(0):
        raise ValueError("a check interval must be positive")
    record.track_liveness = True
    record.check_interval = interval
    record.next_check_at = first_check_at or timezone.now()
    record.save(update_fields=["track_liveness", "check_interval", "next_check_at"])


def record_untrack(*, record: UrlRecord) -> None:
    record.track_liveness = False
    record.next_check_at = None
    record.save(update_fields=["track_liveness", "next_check_at"])


def records_untrack(records: QuerySet[UrlRecord]) -> int:
    """Stop re-checking every record of `records`; returns how many were tracked."""
    return records.filter(track_liveness=True).update(track_liveness=False, next_check_at=None)


def records_due_claim(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim up to `limit` tracked records that are due, oldest first; returns their ids.

    SKIP LOCKED lets several beat or worker machines claim at once: each gets
    different rows, and the lease keeps them from being claimed again after commit.
    """
    now = now or timezone.now()
    limit = limit or settings.LIVENESS_BATCH_SIZE
    with transaction.atomic():
        ids = list(
            UrlRecord.objects.select_for_update(skip_locked=True)
            .filter(track_liveness=True, next_check_at__lte=now)
            .order_by("next_check_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        _lease(ids, until=now + CLAIM_LEASE)
    return ids


def _lease(ids: list[int], *, until: datetime) -> None:
    UrlRecord.objects.filter(pk__in=ids).update(next_check_at=until)


def _send(record_id: int) -> None:
    enqueue_by_name("enrichment.tasks.recheck_record", record_id)


def records_due_queue(*, now: datetime | None = None) -> int:
    """Claim the due records and queue a re-check for each; returns how many were queued.

    A broker that fails part-way loses nothing: the records not handed over
    are made due again at once, and any that were handed over but lost come
    back when their lease expires.
    """
    now = now or timezone.now()
    ids = records_due_claim(now=now)
    sent = send_until_failure(ids, _send, what="liveness re-check(s)")
    if sent < len(ids):
        # Only rows still holding our lease: one re-checked meanwhile keeps its new time.
        UrlRecord.objects.filter(pk__in=ids[sent:], next_check_at=now + CLAIM_LEASE).update(next_check_at=now)
    if sent:
        logger.info("queued %d liveness re-check(s)", sent)
    return sent


def record_recheck(*, record_id: int) -> LivenessCheck | None:
    """Check a tracked record now and store the result; None if it is gone or no longer tracked."""
    record = UrlRecord.objects.filter(pk=record_id, track_liveness=True).only("pk", "url").first()
    if record is None:
        return None
    # Outside any transaction: a check can take CHECK_TOTAL_TIMEOUT seconds.
    result = liveness.check_url(record.url)
    return services.liveness_save(record_id=record_id, result=result, tracked_only=True)
