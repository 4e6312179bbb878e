"""Batching: one message per recipient, listing every address due to it, once its oldest notice has waited."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from takedown.models import Notice, NoticeBatch
from takedown.notices.batching import notices_batch, recipient_batch
from takedown.notices.dispatch import notices_dispatch
from testsupport.takedown import confirm, host, located_record, police

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(hours=1)


def confirmed(analyst, senior, *urls, ip="192.0.2.10"):
    return [confirm(located_record(url, country="GB", ips=(ip,)), analyst, senior) for url in urls]


def test_nothing_is_batched_before_the_delay(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24")
    confirmed(analyst, senior, "http://a.example/1", "http://a.example/2")
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert notices_batch() == []
    assert NoticeBatch.objects.count() == 0
    assert Notice.objects.filter(batch__isnull=True).count() == 2


def test_after_the_delay_each_recipient_gets_one_batch_with_all_its_notices(analyst, senior):
    example = host("Example Hosting", cidrs="192.0.2.0/24")
    other = host("Other Hosting", cidrs="198.51.100.0/24")
    ceop = police("NCA CEOP", countries="GB")
    confirmed(analyst, senior, "http://a.example/1", "http://a.example/2", "http://a.example/3")
    confirmed(analyst, senior, "http://b.example/1", ip="198.51.100.7")

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        created = notices_batch()

    assert len(created) == 3
    batches = {b.recipient: b for b in NoticeBatch.objects.filter(pk__in=created)}
    assert set(batches) == {example, other, ceop}
    assert batches[example].notices.count() == 3
    assert batches[other].notices.count() == 1
    # The police are told of all four, for information, in one message.
    assert sorted(batches[ceop].notices.values_list("purpose", flat=True)) == ["inform"] * 4
    assert all(b.channel == "email" and b.state == "pending" for b in batches.values())
    assert not Notice.objects.filter(batch__isnull=True).exists()


def test_a_notice_that_arrives_later_waits_for_the_next_batch(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirmed(analyst, senior, "http://a.example/early")
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        confirmed(analyst, senior, "http://a.example/late")
    # Once the oldest has waited, everything due to the recipient goes, the late one too.
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        [batch_id] = notices_batch()
    assert NoticeBatch.objects.get(pk=batch_id).notices.count() == 2
    # Nothing is left for a second batch.
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        assert notices_batch() == []


def test_a_zero_delay_batches_at_once(analyst, senior, settings):
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("Example Hosting", cidrs="192.0.2.0/24")
    confirmed(analyst, senior, "http://a.example/1")
    assert len(notices_batch()) == 1


def test_unapproved_or_inactive_recipients_are_not_batched(analyst, senior):
    provider = host("Example Hosting", cidrs="192.0.2.0/24")
    confirmed(analyst, senior, "http://a.example/1")
    provider.active = False
    provider.save()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert notices_batch() == []
        assert recipient_batch(recipient_id=provider.pk, now=timezone.now()) is None
    assert Notice.objects.filter(batch__isnull=True).count() == 1


def test_a_new_batch_is_sent_as_soon_as_it_is_committed(analyst, senior, settings, django_capture_on_commit_callbacks):
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("Example Hosting", cidrs="192.0.2.0/24")
    confirmed(analyst, senior, "http://a.example/1")
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = notices_dispatch()
    assert counts == {"batched": 1, "due": 0, "queued": 0}
    assert len(callbacks) == 1
    assert NoticeBatch.objects.get().state == "sent"
    assert len(mail.outbox) == 1
