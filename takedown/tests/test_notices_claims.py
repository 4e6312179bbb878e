"""Claims and leases: one worker per batch at a time, a lapsed lease taken over, nothing lost with the broker."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from takedown.models import NoticeBatch
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from takedown.notices.dispatch import notices_dispatch
from testsupport.takedown import confirm, host, located_record


@pytest.fixture
def batch(analyst, senior, settings):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("Example Hosting", cidrs="192.0.2.0/24")
    confirm(located_record("http://pics.example/a", country="GB"), analyst, senior)
    [batch_id] = notices_batch()
    return NoticeBatch.objects.get(pk=batch_id)


@pytest.mark.django_db
def test_a_second_claim_is_refused_while_the_first_holds_the_lease(batch):
    first = delivery.batch_claim(batch_id=batch.pk)
    assert first is not None and first.state == "sending" and first.attempts == 1
    assert first.lease_until > timezone.now() + timedelta(seconds=90), "the lease must outlast the task time limit"
    assert delivery.batch_claim(batch_id=batch.pk) is None
    assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"
    assert delivery.batches_due() == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_lapsed_lease_is_claimed_again_and_sent_once(batch):
    claimed = delivery.batch_claim(batch_id=batch.pk)  # ...and its worker dies here.
    with time_machine.travel(claimed.lease_until - timedelta(seconds=1)):
        assert delivery.batches_due() == []
    with time_machine.travel(claimed.lease_until + timedelta(seconds=1)):
        assert delivery.batches_due() == [batch.pk]
        assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
        assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"
    batch.refresh_from_db()
    assert (batch.state, batch.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_late_worker_does_not_overwrite_the_outcome_of_the_one_that_took_over(batch):
    stale = delivery.batch_claim(batch_id=batch.pk)
    with time_machine.travel(stale.lease_until + timedelta(seconds=1)):
        assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
    # The first worker comes back from a long pause and reports a failure: ignored.
    assert delivery._attempt_failed(stale, attempt=stale.attempts, exc=OSError("late")) == "skipped"
    batch.refresh_from_db()
    assert (batch.state, batch.last_error) == ("sent", "")


@pytest.mark.django_db
def test_a_batch_waits_in_the_database_while_the_broker_is_down_and_goes_when_it_returns(
    batch, use_broker, django_capture_on_commit_callbacks
):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    counts = notices_dispatch()
    assert counts == {"batched": 0, "due": 1, "queued": 0}
    batch.refresh_from_db()
    assert (batch.state, batch.attempts) == ("pending", 0)

    from reportsite.celery import app

    app.conf.task_always_eager = True  # the broker is back (in-process here)
    assert notices_dispatch() == {"batched": 0, "due": 1, "queued": 1}
    batch.refresh_from_db()
    assert batch.state == "sent" and len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_many_workers_claiming_at_once_exactly_one_wins():
    # A bare batch: a claim needs nothing else (and nothing here sends it on commit).
    batch = NoticeBatch.objects.create(recipient=host("Example Hosting"), channel="email")
    barrier = threading.Barrier(8)
    wins = []

    def claim():
        try:
            barrier.wait()
            if delivery.batch_claim(batch_id=batch.pk) is not None:
                wins.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    batch.refresh_from_db()
    assert batch.attempts == 1
