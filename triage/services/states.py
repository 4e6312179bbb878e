"""Making sure every record that finished enrichment has a triage row.

Records get theirs from triage.receivers, inside the transaction in which
enrichment marks them enriched or failed. `states_sync` (manage.py
triage_sync) catches any finished record without a row, e.g. after a restore
of only some tables; it is an anti-join over every record, for an operator
rather than a page view.
"""

from __future__ import annotations

from collections.abc import Iterable

from reports.models import UrlRecord
from triage.models import TriageState
from triage.priority import queue_reprioritise

SYNC_BATCH = 1000


def states_create(record_ids: Iterable[int]) -> int:
    """Give these records a waiting row unless they have one; returns how many were asked for."""
    rows = [TriageState(record_id=pk) for pk in record_ids]
    TriageState.objects.bulk_create(rows, ignore_conflicts=True)
    # Its place in the queue, from what enrichment has just written (online now, host, counts).
    queue_reprioritise([row.record_id for row in rows])
    return len(rows)


def states_sync(*, batch: int = SYNC_BATCH) -> int:
    """Create the missing rows; returns how many records were found without one."""
    finished = [UrlRecord.Enrichment.ENRICHED, UrlRecord.Enrichment.FAILED]
    found = 0
    while True:
        missing = list(
            UrlRecord.objects.filter(enrichment_state__in=finished, triage__isnull=True)
            .order_by()
            .values_list("pk", flat=True)[:batch]
        )
        if not missing:
            return found
        found += states_create(missing)
        if len(missing) < batch:
            return found
