"""What the beat and the tasks call: batch what is due, hand batches to the workers.

The beat's pass (send_due_notices, every minute) is also the sweep: a batch
whose message never reached the broker, or was lost with a killed worker,
is still pending (or sending with a lapsed lease) in the database, and is
queued again here. Duplicate messages are harmless: the claim lets one through.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from reportsite import queueing
from takedown.notices import SEND_BATCH_TASK, batching, delivery


def batch_queue(batch_id: int) -> None:
    """Hand one batch to a worker (the "notices" queue); raises if the broker cannot take it."""
    queueing.enqueue_by_name(SEND_BATCH_TASK, batch_id)


def notices_dispatch(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Batch every recipient that is due, then queue every batch due or lost; returns counts."""
    now = now or timezone.now()
    created = batching.notices_batch(now=now, limit=limit)
    # The new batches were queued as they committed; do not queue them twice.
    fresh = set(created)
    due = [pk for pk in delivery.batches_due(now=now, limit=limit) if pk not in fresh]
    queued = queueing.send_until_failure(due, batch_queue, what="notice batches")
    return {"batched": len(created), "due": len(due), "queued": queued}
