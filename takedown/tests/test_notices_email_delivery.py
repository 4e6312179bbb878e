"""Email notices through a real SMTP server on loopback: retries with backoff, exactly once, giving up."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from staff.models import AuditEvent
from takedown.models import NoticeBatch, Takedown
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from takedown.notices.dispatch import notices_dispatch
from testsupport.smtp_server import SmtpServer
from testsupport.takedown import confirm, host, located_record

pytestmark = pytest.mark.django_db
ABUSE = "abuse@example-hosting.net"


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def batch(analyst, senior, settings):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("Example Hosting", cidrs="192.0.2.0/24", email=ABUSE)
    confirm(located_record("http://pics.example/a", country="GB"), analyst, senior)
    [batch_id] = notices_batch()
    return NoticeBatch.objects.get(pk=batch_id)


def next_attempt(batch: NoticeBatch) -> str:
    """Travel to when the batch is due again, and try."""
    batch.refresh_from_db()
    with time_machine.travel(batch.next_attempt_at + timedelta(seconds=1)):
        return delivery.batch_deliver(batch_id=batch.pk)


def test_a_notice_is_delivered_over_smtp_and_the_takedown_moves_on(smtp, batch):
    assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
    [message] = smtp.received(ABUSE)
    assert message["Message-ID"] == f"<{batch.key}@reportsite>"
    assert "http://pics.example/a" in message.get_body(("plain",)).get_content()
    batch.refresh_from_db()
    assert (batch.state, batch.attempts, batch.lease_until) == ("sent", 1, None)
    takedown = Takedown.objects.get()
    assert takedown.status == Takedown.Status.NOTICE_SENT
    assert takedown.first_notice_at == batch.sent_at
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NOTICE_SENT, target_id=str(takedown.pk)).count() == 1


def test_a_refused_message_is_retried_with_growing_backoff(smtp, batch):
    smtp.fail_next(2)
    before = timezone.now()
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert batch.state == "pending" and batch.attempts == 1 and batch.lease_until is None
    assert "451" in batch.last_error
    first_wait = batch.next_attempt_at - before
    assert timedelta(minutes=1) <= first_wait <= timedelta(minutes=2, seconds=5)
    # Not due yet: a task arriving early changes nothing.
    assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"
    assert smtp.data_commands == 1

    due = batch.next_attempt_at + timedelta(seconds=1)
    with time_machine.travel(due, tick=False):
        assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert timedelta(minutes=2) <= batch.next_attempt_at - due <= timedelta(minutes=4)
    assert smtp.count(ABUSE) == 0


def test_backoff_doubles_with_jitter_up_to_a_ceiling():
    for attempt in range(1, 12):
        ceiling = min(delivery.RETRY_CAP, delivery.RETRY_BASE * 2 ** (attempt - 1))
        delays = {delivery.retry_delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1, "no jitter"
    assert delivery.retry_delay(200) <= delivery.RETRY_CAP


def test_a_server_that_fails_then_recovers_gets_the_notice_exactly_once(smtp, batch):
    smtp.fail_next(2)
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    assert next_attempt(batch) == "retry"
    assert next_attempt(batch) == "sent"
    # Whatever arrives afterwards (a duplicate task, the beat) sends nothing more.
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"
        assert notices_dispatch() == {"batched": 0, "due": 0, "queued": 0}
    assert smtp.refused == 2
    assert smtp.per_recipient() == {ABUSE: 1}
    batch.refresh_from_db()
    assert (batch.state, batch.attempts, batch.last_error) == ("sent", 3, "")


def test_an_unreachable_server_is_retried_like_a_refusal(smtp, batch, settings):
    smtp.stop()
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert "ConnectionRefusedError" in batch.last_error


def test_after_max_attempts_the_batch_fails_and_each_record_says_so(smtp, batch, settings):
    settings.NOTICE_MAX_ATTEMPTS = 3
    smtp.fail_next(10)
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    assert next_attempt(batch) == "retry"
    assert next_attempt(batch) == "failed"
    batch.refresh_from_db()
    assert (batch.state, batch.attempts) == ("failed", 3)
    assert smtp.count(ABUSE) == 0
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.NOTICE_FAILED)
    assert event.actor is None
    assert event.target_id == str(Takedown.objects.get().pk)
    assert "not delivered after 3 attempts" in event.summary and "451" in event.summary
    # Failed is final: nothing queues it again, the takedown still waits for its notice.
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert delivery.batches_due() == []
        assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"
    assert Takedown.objects.get().status == Takedown.Status.AWAITING_NOTICE
    assert smtp.data_commands == 3
