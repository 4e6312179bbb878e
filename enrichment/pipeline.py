"""Moving address records through enrichment without ever losing one.

States: new → queued → enriched, or failed after ENRICH_MAX_ATTEMPTS.
The database holds the truth; the broker only carries record ids. If a
message is lost (broker down at submission, worker killed, broker restarted),
the record stays new or queued and the periodic sweep queues it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from enrichment.signals import record_enrichment_finished
from reports.models import UrlRecord
from reportsite.queueing import enqueue_by_name, send_until_failure

logger = logging.getLogger(__name__)
State = UrlRecord.Enrichment


def _send(record_id: int) -> None:
    enqueue_by_name("enrichment.tasks.enrich_record", record_id)


def records_queue(record_ids: Iterable[int], *, queued_at: datetime | None = None) -> int:
    """Hand records to the broker; returns how many were handed over.

    Called after commit. A broker that is down must not fail the reporter's
    request: the records are left new and the sweep queues them later.

    `queued_at`: the records were stored already marked queued at that time,
    in the transaction that made them (a new report's records: that saves an
    UPDATE and a commit on every report). Those the broker does not take go
    back to new here. Should this process die between the commit and the
    publish, they wait for the sweep's SWEEP_QUEUED_AFTER instead of
    SWEEP_NEW_AFTER: later, never lost.
    """
    ids = list(record_ids)
    if queued_at is None:
        return send_until_failure(ids, _send_and_mark_queued, what="record(s) left pending for the sweep")
    sent = send_until_failure(ids, _send, what="record(s) left pending for the sweep")
    if sent < len(ids):
        _queued_undo(ids[sent:], queued_at=queued_at)
    return sent


def _send_and_mark_queued(record_id: int) -> None:
    _send(record_id)
    UrlRecord.objects.filter(pk=record_id, enrichment_state=State.NEW).update(
        enrichment_state=State.QUEUED, queued_at=timezone.now()
    )


def _queued_undo(record_ids: list[int], *, queued_at: datetime) -> None:
    """Records marked queued that the broker never took: back to new, for the sweep's next pass."""
    try:
        UrlRecord.objects.filter(pk__in=record_ids, enrichment_state=State.QUEUED, queued_at=queued_at).update(
            enrichment_state=State.NEW, queued_at=None
        )
    except DatabaseError:
        # Still marked queued: the sweep takes them after SWEEP_QUEUED_AFTER instead.
        logger.warning("%d record(s) the broker did not take stay queued for the sweep", len(record_ids))


def records_sweep(*, now: datetime | None = None) -> int:
    """Queue again what was never queued or whose message was lost.

    Rows are claimed with SKIP LOCKED, so several beat or worker machines can
    sweep at once without queueing the same record twice in one pass.
    """
    now = now or timezone.now()
    stale = Q(enrichment_state=State.NEW, first_reported_at__lt=now - settings.SWEEP_NEW_AFTER) | Q(
        enrichment_state=State.QUEUED, queued_at__lt=now - settings.SWEEP_QUEUED_AFTER
    )
    with transaction.atomic():
        ids = list(
            UrlRecord.objects.select_for_update(skip_locked=True)
            .filter(stale)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.SWEEP_BATCH_SIZE]
        )
        UrlRecord.objects.filter(pk__in=ids).update(enrichment_state=State.QUEUED, queued_at=now)
    sent = send_until_failure(ids, _send, what="record(s) in the sweep")
    if sent < len(ids):
        # Those not handed over go back to new, so the next sweep takes them at once.
        _queued_undo(ids[sent:], queued_at=now)
    if ids:
        logger.info("sweep queued %d record(s) again", sent)
    return sent


def record_claim(record_id: int) -> UrlRecord | None:
    """Count an attempt on a record that still needs enrichment.

    Returns None when there is nothing to do: the record is gone, already
    enriched or failed (a duplicate delivery), or has used up its attempts,
    in which case it is marked failed so that it cannot loop for ever.
    """
    with transaction.atomic():
        record = (
            UrlRecord.objects.select_for_update()
            .filter(pk=record_id, enrichment_state__in=[State.NEW, State.QUEUED])
            .first()
        )
        if record is None:
            return None
        if record.enrichment_attempts >= settings.ENRICH_MAX_ATTEMPTS:
            record_fail(record, error=record.enrichment_error or "gave up after repeated attempts")
            return None
        record.enrichment_attempts += 1
        record.save(update_fields=["enrichment_attempts"])
    return record


def record_fail(record: UrlRecord, *, error: str) -> None:
    with transaction.atomic():
        # Only a record still in the pipeline: one that another worker finished
        # (enriched, or failed already) keeps its result and is not announced twice.
        changed = UrlRecord.objects.filter(pk=record.pk, enrichment_state__in=[State.NEW, State.QUEUED]).update(
            enrichment_state=State.FAILED, enrichment_error=error[:2000], enriched_at=timezone.now()
        )
        if changed:
            record_enrichment_finished.send(sender=UrlRecord, record_id=record.pk, state=State.FAILED)


def record_note_error(record: UrlRecord, *, error: str) -> None:
    """Keep the last transient error on a record that will be tried again."""
    UrlRecord.objects.filter(pk=record.pk).update(enrichment_error=error[:2000])
