"""A broker that is down while due re-checks are queued loses none of them."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from enrichment import tasks, tracking
from reports.models import UrlRecord
from testsupport.enrichment import make_record

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def tracked(count: int) -> list[int]:
    ids = []
    for n in range(count):
        record = make_record(f"http://example.com/{n}")
        tracking.record_track(record=record)
        ids.append(record.pk)
    return ids


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_records_claimed_while_the_broker_is_down_are_due_again_at_the_next_tick(use_broker, clock):
    ids = tracked(3)
    use_broker(f"redis://127.0.0.1:{unused_port()}/0")

    assert tasks.recheck_due_records() == 0

    assert sorted(tracking.records_due_claim(now=T0 + timedelta(minutes=1))) == ids


def test_a_broker_failing_part_way_keeps_the_lease_only_on_what_it_took(monkeypatch, clock):
    ids = tracked(4)
    sent = []

    def broker_dies_after_two(record_id):
        if len(sent) == 2:
            raise ConnectionRefusedError("broker went away")
        sent.append(record_id)

    monkeypatch.setattr(tracking, "_send", broker_dies_after_two)

    assert tracking.records_due_queue(now=T0) == 2

    leased = T0 + tracking.CLAIM_LEASE
    next_checks = dict(UrlRecord.objects.values_list("pk", "next_check_at"))
    assert next_checks == {ids[0]: leased, ids[1]: leased, ids[2]: T0, ids[3]: T0}


def test_a_recheck_whose_message_was_lost_is_queued_again_when_its_lease_runs_out(monkeypatch, clock):
    [record_id] = tracked(1)
    sent = []
    monkeypatch.setattr(tracking, "_send", sent.append)  # Handed to the broker, then lost: never run.

    assert tracking.records_due_queue(now=T0) == 1
    assert tracking.records_due_queue(now=T0 + tracking.CLAIM_LEASE - timedelta(seconds=1)) == 0
    assert tracking.records_due_queue(now=T0 + tracking.CLAIM_LEASE) == 1

    assert sent == [record_id, record_id]
