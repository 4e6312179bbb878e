"""Gathering a recipient's waiting notices into one batch: one message lists every address due to it.

A recipient's notices wait until the oldest is NOTICE_BATCH_DELAY old (the
Dutch hotline's tool waits about an hour), so a burst of confirmations on
one host becomes one message. Several beat or worker machines may batch at
once: each locks the notices it takes (SELECT … FOR UPDATE SKIP LOCKED), so
a notice lands in exactly one batch and nobody waits on another's lock.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from reportsite import queueing
from takedown.models import Notice, NoticeBatch, Recipient
from takedown.notices import SEND_BATCH_TASK

logger = logging.getLogger(__name__)


def recipients_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Usable recipients whose oldest unbatched notice has waited NOTICE_BATCH_DELAY."""
    cutoff = now - settings.NOTICE_BATCH_DELAY
    return list(
        Notice.objects.filter(batch__isnull=True, recipient__active=True, recipient__approved=True)
        .values("recipient_id")
        .annotate(oldest=Min("created_at"))
        .filter(oldest__lte=cutoff)
        .order_by("oldest")
        .values_list("recipient_id", flat=True)[:limit]
    )


def recipient_batch(*, recipient_id: int, now: datetime) -> NoticeBatch | None:
    """Put all the recipient's unbatched notices into a new batch; None if nothing is due (or another
    machine took them)."""
    cutoff = now - settings.NOTICE_BATCH_DELAY
    with transaction.atomic():
        recipient = Recipient.objects.filter(pk=recipient_id, active=True, approved=True).first()
        if recipient is None:
            return None
        # Locked rows belong to another machine's batch in the making: skip them, do not wait.
        # (SQLite ignores skip_locked; it has one writer at a time anyway.)
        notices = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=recipient_id, batch__isnull=True)
            .order_by("created_at", "pk")
            .values_list("pk", "created_at")
        )
        # What is left to us may be only a notice that arrived a moment ago: it waits its turn.
        if not notices or notices[0][1] > cutoff:
            return None
        batch = NoticeBatch.objects.create(
            recipient=recipient, channel=recipient.channel, created_at=now, next_attempt_at=now
        )
        Notice.objects.filter(pk__in=[pk for pk, _ in notices]).update(batch=batch)
        # A broker that is down must not undo the batch; the beat's pass queues it a minute later.
        queueing.enqueue_on_commit(SEND_BATCH_TASK, batch.pk)
    logger.info("notice batch %s: %d address(es) to recipient %s", batch.pk, len(notices), recipient_id)
    return batch


def notices_batch(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Batch every recipient that is due; returns the new batches' ids (each queued once committed)."""
    now = now or timezone.now()
    created = []
    for recipient_id in recipients_due(now=now, limit=limit):
        batch = recipient_batch(recipient_id=recipient_id, now=now)
        if batch is not None:
            created.append(batch.pk)
    return created
