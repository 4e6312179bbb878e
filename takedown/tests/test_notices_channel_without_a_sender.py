"""A batch on a channel that no installed app sends (exchange, say) waits and fails; it is never emailed instead."""

from datetime import timedelta

import pytest
from django.core import mail

from takedown.models import NoticeBatch
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from testsupport.takedown import confirm, located_record, partner

pytestmark = pytest.mark.django_db


def test_a_batch_on_a_channel_nobody_sends_is_retried_not_emailed(analyst, senior, settings, monkeypatch):
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    partner("Offlimits", countries="NL", email="hotline@offlimits.example")
    confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior)
    [batch_id] = notices_batch()
    NoticeBatch.objects.filter(pk=batch_id).update(channel=NoticeBatch.Channel.EXCHANGE)
    monkeypatch.setattr(delivery, "_CHANNEL_SENDERS", {})

    assert delivery.batch_deliver(batch_id=batch_id) == "retry"

    batch = NoticeBatch.objects.get(pk=batch_id)
    assert batch.state == NoticeBatch.State.PENDING and "exchange" in batch.last_error
    assert mail.outbox == []


def test_the_exchange_app_registers_its_sender_at_start_up():
    from exchange.outbound import forward_send

    assert delivery._CHANNEL_SENDERS[NoticeBatch.Channel.EXCHANGE] is forward_send
