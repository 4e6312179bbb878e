"""Webhook notices to partner hotlines: signed as documented, retried, one key however often they arrive."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine

from takedown import lifecycle
from takedown.models import NoticeBatch, Takedown
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from testsupport.takedown import confirm, located_record, partner
from testsupport.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db
SECRET = "partner-shared-secret"  # noqa: S105


@pytest.fixture
def receiver():
    server = WebhookReceiver(secret=SECRET).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    settings.HOTLINE_NAME = "Test Hotline"
    settings.WEBHOOK_TIMEOUT = 5
    # The receiver is on loopback, which only an allowed network lets a webhook reach.
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]


def forwarded(analyst, senior, receiver, secret=SECRET) -> NoticeBatch:
    partner("Offlimits", countries="NL", webhook_url=receiver.url, webhook_secret=secret)
    for path in ("a", "b"):
        confirm(located_record(f"http://abroad.example/{path}", country="NL"), analyst, senior)
    [batch_id] = notices_batch()
    return NoticeBatch.objects.get(pk=batch_id)


def next_attempt(batch: NoticeBatch) -> str:
    batch.refresh_from_db()
    due = max(batch.next_attempt_at, batch.lease_until or batch.next_attempt_at) + timedelta(seconds=1)
    with time_machine.travel(due):
        return delivery.batch_deliver(batch_id=batch.pk)


def test_the_partner_verifies_the_signature_and_gets_every_address(analyst, senior, receiver):
    batch = forwarded(analyst, senior, receiver)
    assert batch.channel == "webhook"
    assert delivery.batch_deliver(batch_id=batch.pk) == "sent"

    [document] = receiver.accepted
    headers = document["_headers"]
    assert headers["Idempotency-Key"] == str(batch.key) == document["idempotency_key"]
    assert headers["X-Reportsite-Signature"].startswith("sha256=")
    assert (document["batch"], document["sent_by"], document["purpose"]) == (batch.pk, "Test Hotline", "initial")
    assert sorted(item["url"] for item in document["items"]) == ["http://abroad.example/a", "http://abroad.example/b"]
    assert {item["category"] for item in document["items"]} == {"Category A"}
    assert "Dear colleagues at Offlimits," in document["text"]
    assert receiver.rejected == 0
    batch.refresh_from_db()
    assert (batch.state, batch.response_status) == ("sent", 200)
    assert set(Takedown.objects.values_list("status", flat=True)) == {Takedown.Status.FORWARDED_PARTNER}


def test_a_wrong_secret_is_rejected_by_the_partner_and_retried(analyst, senior, receiver):
    batch = forwarded(analyst, senior, receiver, secret="not-the-partners-secret")  # noqa: S106
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    assert (receiver.rejected, receiver.accepted) == (1, [])
    batch.refresh_from_db()
    assert (batch.state, batch.response_status) == ("pending", 401)
    assert "HTTP 401" in batch.last_error


@pytest.mark.parametrize("status", [503, 302, 404])
def test_anything_but_2xx_is_retried_and_a_redirect_is_not_followed(analyst, senior, receiver, status):
    batch = forwarded(analyst, senior, receiver)
    receiver.fail_next(1, status=status)
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    assert next_attempt(batch) == "sent"
    assert len(receiver.accepted) == 1


def test_an_unreachable_webhook_is_retried(analyst, senior, receiver):
    batch = forwarded(analyst, senior, receiver)
    receiver.stop()
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert "no answer from the webhook" in batch.last_error and batch.response_status is None


def test_a_delivery_repeated_after_a_crash_before_the_commit_carries_the_same_key(analyst, senior, receiver):
    """The one window left: delivered, then the worker died before marking it sent."""
    batch = forwarded(analyst, senior, receiver)
    crash = mock.patch.object(lifecycle, "notices_sent", side_effect=RuntimeError("worker died"))
    with crash, pytest.raises(RuntimeError):
        delivery.batch_deliver(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "sending" and batch.sent_at is None  # rolled back; the lease holds it

    assert next_attempt(batch) == "sent"
    assert len(receiver.accepted) == 2
    assert receiver.keys == {str(batch.key)}, "the partner cannot tell the repeat from a new notice"
