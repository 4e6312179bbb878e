from datetime import timedelta

import pytest
from django.utils import timezone

from enrichment import pipeline
from reports.models import UrlRecord


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(pipeline, "_send", sent.append)
    return sent


def record(n, state="new", age=timedelta(minutes=10), queued_age=None):
    now = timezone.now()
    return UrlRecord.objects.create(
        url=f"http://example.com/{n}",
        url_sha256=f"{n:064x}",
        host="example.com",
        first_reported_at=now - age,
        enrichment_state=state,
        queued_at=(now - queued_age) if queued_age else None,
    )


@pytest.mark.django_db
def test_the_sweep_queues_records_that_were_never_queued(sent):
    old = record(1)
    record(2, age=timedelta(seconds=5))  # too young: its own on-commit hook may still be running
    assert pipeline.records_sweep() == 1
    assert sent == [old.pk]
    old.refresh_from_db()
    assert old.enrichment_state == "queued" and old.queued_at is not None


@pytest.mark.django_db
def test_the_sweep_queues_again_records_whose_message_was_lost(sent):
    lost = record(1, state="queued", queued_age=timedelta(hours=1))
    record(2, state="queued", queued_age=timedelta(minutes=1))  # probably still in the broker
    record(3, state="enriched")
    record(4, state="failed")
    assert pipeline.records_sweep() == 1
    assert sent == [lost.pk]


@pytest.mark.django_db
def test_a_sweep_with_the_broker_down_puts_records_back_for_the_next_one(monkeypatch):
    def broker_down(record_id):
        raise ConnectionRefusedError

    monkeypatch.setattr(pipeline, "_send", broker_down)
    pending = record(1)
    assert pipeline.records_sweep() == 0
    pending.refresh_from_db()
    assert pending.enrichment_state == "new"


@pytest.mark.django_db
def test_the_sweep_takes_a_bounded_batch(sent, settings):
    settings.SWEEP_BATCH_SIZE = 3
    for n in range(5):
        record(n)
    assert pipeline.records_sweep() == 3
    assert pipeline.records_sweep() == 2
    assert pipeline.records_sweep() == 0


@pytest.mark.django_db
def test_the_sweep_is_a_scheduled_task():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "enrichment.tasks.sweep_pending_records" in tasks
