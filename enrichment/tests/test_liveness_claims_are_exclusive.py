"""Two beat or worker machines claiming due re-checks at once never claim the same record.

On PostgreSQL, because the exclusivity comes from SELECT … FOR UPDATE SKIP LOCKED
(SQLite has one writer at a time and no row locks to test).
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from enrichment import tracking
from testsupport.enrichment import make_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


def due_records(count: int) -> list[int]:
    now = timezone.now()
    return [make_record(f"http://example.com/{n}", track_liveness=True, next_check_at=now).pk for n in range(count)]


def in_thread(fn):
    """Run fn in its own thread with its own database connection, as another machine would."""

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    return run


def test_a_claimer_skips_the_rows_another_claimer_holds(monkeypatch):
    ids = due_records(10)
    first_has_locked = threading.Event()
    second_is_done = threading.Event()
    real_lease = tracking._lease

    def lease_slowly_in_the_first_claimer(claimed, **kwargs):
        # The first claimer stops with its rows locked until the second one has claimed.
        if threading.current_thread().name == "first":
            first_has_locked.set()
            assert second_is_done.wait(20), "the second claimer was blocked by the first one's locks"
        real_lease(claimed, **kwargs)

    monkeypatch.setattr(tracking, "_lease", lease_slowly_in_the_first_claimer)
    results: dict[str, list[int]] = {}

    def first():
        results["first"] = tracking.records_due_claim(limit=5)

    thread = threading.Thread(target=in_thread(first), name="first")
    thread.start()
    assert first_has_locked.wait(20)
    results["second"] = in_thread(tracking.records_due_claim)(limit=5)
    second_is_done.set()
    thread.join(30)

    assert len(results["first"]) == len(results["second"]) == 5
    assert sorted(results["first"] + results["second"]) == ids


def test_many_claimers_at_once_claim_every_due_record_exactly_once(settings):
    settings.LIVENESS_BATCH_SIZE = 7
    ids = due_records(200)
    now = timezone.now()

    def claim_until_none_left() -> list[int]:
        claimed: list[int] = []
        while batch := tracking.records_due_claim(now=now):
            claimed += batch
        return claimed

    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = [pool.submit(in_thread(claim_until_none_left)) for _ in range(6)]
        claims = Counter(record_id for run in runs for record_id in run.result())

    assert sorted(claims) == ids
    assert set(claims.values()) == {1}
