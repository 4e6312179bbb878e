"""Tracked records are claimed for a re-check when due, each at its own interval, and only then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from enrichment import services, tracking
from enrichment.liveness import LivenessResult
from testsupport.enrichment import make_record

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def checked_at(record_id: int, when: datetime) -> None:
    """What a re-check that ran at `when` leaves behind (without the network)."""
    services.liveness_save(
        record_id=record_id, result=LivenessResult(url="", outcome="ok", status=200, checked_at=when)
    )


def test_tracking_a_record_makes_it_due_now(clock):
    record = make_record("http://example.com/a")

    tracking.record_track(record=record, interval=timedelta(minutes=30))

    record.refresh_from_db()
    assert (record.track_liveness, record.check_interval, record.next_check_at) == (True, timedelta(minutes=30), T0)
    assert tracking.records_due_claim() == [record.pk]


def test_an_interval_must_be_positive(clock):
    with pytest.raises(ValueError):
        tracking.record_track(record=make_record("http://example.com/a"), interval=timedelta(0))


def test_untracked_and_not_yet_due_records_are_not_claimed(clock):
    make_record("http://example.com/never")
    untracked = make_record("http://example.com/untracked")
    tracking.record_track(record=untracked)
    tracking.record_untrack(record=untracked)
    make_record("http://example.com/later", track_liveness=True, next_check_at=T0 + MINUTE)
    due = make_record("http://example.com/due", track_liveness=True, next_check_at=T0 - MINUTE)

    assert tracking.records_due_claim() == [due.pk]
    untracked.refresh_from_db()
    assert (untracked.track_liveness, untracked.next_check_at) == (False, None)


def test_a_claimed_record_is_not_claimed_again_until_its_lease_runs_out(clock):
    record = make_record("http://example.com/a")
    tracking.record_track(record=record)

    assert tracking.records_due_claim(now=T0) == [record.pk]
    assert tracking.records_due_claim(now=T0 + tracking.CLAIM_LEASE - MINUTE) == []
    # Its re-check never ran (the message was lost): it is due again.
    assert tracking.records_due_claim(now=T0 + tracking.CLAIM_LEASE) == [record.pk]


def test_a_claim_takes_the_longest_overdue_first_and_at_most_a_batch(clock, settings):
    settings.LIVENESS_BATCH_SIZE = 2
    records = [
        make_record(f"http://example.com/{n}", track_liveness=True, next_check_at=T0 - n * MINUTE) for n in range(3)
    ]

    assert tracking.records_due_claim() == [records[2].pk, records[1].pk]
    assert tracking.records_due_claim() == [records[0].pk]
    assert tracking.records_due_claim(limit=5) == []


def test_each_record_is_rechecked_at_its_own_interval(clock, settings):
    settings.LIVENESS_DEFAULT_INTERVAL = timedelta(hours=1)
    often = make_record("http://example.com/often")
    default = make_record("http://example.com/default")
    seldom = make_record("http://example.com/seldom")
    tracking.record_track(record=often, interval=timedelta(minutes=5))
    tracking.record_track(record=default)
    tracking.record_track(record=seldom, interval=timedelta(hours=2))

    # Four hours of beat ticks, once a minute, each claimed record checked at once.
    checks: dict[int, int] = {often.pk: 0, default.pk: 0, seldom.pk: 0}
    for minute in range(4 * 60):
        now = T0 + minute * MINUTE
        for record_id in tracking.records_due_claim(now=now):
            checked_at(record_id, now)
            checks[record_id] += 1

    assert checks == {often.pk: 48, default.pk: 4, seldom.pk: 2}
    seldom.refresh_from_db()
    assert seldom.next_check_at == T0 + timedelta(hours=4)
