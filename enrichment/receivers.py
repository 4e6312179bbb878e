"""Enrichment takes up the records that reports store."""

from __future__ import annotations

from datetime import datetime

from django.dispatch import receiver

from enrichment.pipeline import records_queue
from reports.signals import records_stored


@receiver(records_stored, dispatch_uid="enrichment.queue_stored_records")
def _queue_stored_records(sender, record_ids: list[int], queued_at: datetime, **kwargs) -> None:
    # Never raises for a broker that is down: those records go back to new for the sweep.
    records_queue(record_ids, queued_at=queued_at)
