"""The queue and "Next" reach waiting records through a partial index, whatever else is stored.

Since the stored order (triage.priority), both walk `triage_queue_rank` in
order and stop after a page (or one row): no sort, no per-row priority.
The figures below are from before that change, kept for comparison; the
current ones are in docs/performance.md.

Measured on PostgreSQL 15.20 with 1,000,000 records, 2,200 of them waiting
(2,000 awaiting assessment, 200 disputed) and 5,480 actioned hosts and
domains, warm cache, EXPLAIN ANALYZE of the ORM's own SQL:

    queue, page 1   Bitmap Index Scan on triage_waiting (2,200 rows)
                    → Nested Loop, Index Scan using reports_urlrecord_pkey
                    → Sort (top-N heapsort) → Limit 50             45-74 ms
    Next            Index Scan using triage_waiting → LockRows (SKIP LOCKED)
                    → Limit 1                                       27 ms
    queue, without  Parallel Seq Scan on triage_triagestate        187 ms
    the index

The cost follows the number of waiting records, not the number stored. The
data was made with generate_series: 1M reports_urlrecord rows over 20,000
hosts, one triage_triagestate row each (1 in 500 awaiting_assessment, 1 in
5,000 disputed, the rest decided), then ANALYZE.

This test keeps that plan honest on a small table: the index must be used
and no step may read every record.
"""

import pytest
from django.db import connection
from django.utils import timezone

from reports.models import UrlRecord
from triage import selectors
from triage.models import TriageState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def many_decided_few_waiting():
    now = timezone.now()
    records = UrlRecord.objects.bulk_create(
        UrlRecord(
            url=f"http://h{n % 50}.example.com/{n}",
            url_sha256=f"{n:064x}",
            host=f"h{n % 50}.example.com",
            enrichment_state="enriched",
            first_reported_at=now,
            last_reported_at=now,
        )
        for n in range(5000)
    )
    # The signal does not fire for bulk_create: rows are written here, most decided.
    TriageState.objects.bulk_create(
        TriageState(record=r, status="no_action" if n % 500 else "awaiting_assessment") for n, r in enumerate(records)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_urlrecord; ANALYZE triage_triagestate;")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_queue_page_uses_a_waiting_index(many_decided_few_waiting):
    # With ten waiting rows a sort is cheapest; with thousands (docs/performance.md) the
    # planner walks triage_queue_rank in order. Either way, only waiting rows are read.
    plan = _plan(selectors.queue()[:50])
    assert "triage_queue_rank" in plan or "triage_waiting" in plan, plan
    assert "Seq Scan on triage_triagestate" not in plan, plan
    assert "Seq Scan on reports_urlrecord" not in plan, plan


def test_next_uses_the_waiting_index_and_locks_only_triage_rows(many_decided_few_waiting):
    from triage.services.claims import _free

    now = timezone.now()
    candidates = TriageState.objects.filter(_free(now), status__in=["awaiting_assessment", "disputed"])
    query = candidates.select_for_update(skip_locked=True, of=("self",)).order_by(*selectors.QUEUE_ORDER)[:1]
    sql = str(query.query)
    assert 'FOR UPDATE OF "triage_triagestate" SKIP LOCKED' in sql
    plan = _plan(query)
    assert "Index Scan using triage_queue_rank" in plan, plan
    assert "Seq Scan on reports_urlrecord" not in plan, plan


def test_a_later_page_starts_at_its_cursor_in_the_index(many_decided_few_waiting):
    cursor = selectors.QueueCursor(rank=123, record_id=45)
    newer = selectors.queue().filter(queue_rank__gte=cursor.rank)
    plan = _plan(newer[:51])
    assert "Index Cond: (queue_rank >= 123)" in plan, plan
    assert "Sort" not in plan, plan
