"""A manager sends a failed notice again; it is audited and goes out once."""

from datetime import timedelta

import pytest
from django.core import mail

from staff.models import AuditEvent
from takedown.models import NoticeBatch
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from testsupport.takedown import confirm, host, located_record


@pytest.fixture
def failed(analyst, senior, settings):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("Example Hosting", cidrs="192.0.2.0/24")
    confirm(located_record("http://pics.example/a", country="GB"), analyst, senior)
    [batch_id] = notices_batch()
    NoticeBatch.objects.filter(pk=batch_id).update(state="failed", attempts=8, last_error="550 mailbox unknown")
    return NoticeBatch.objects.get(pk=batch_id)


@pytest.mark.django_db
def test_a_manager_sends_a_failed_notice_again(manager, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.batch_resend(batch_id=failed.pk, user=manager)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("sent", 1)  # queued on commit; tasks run inline in tests
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="notice_resent")
    assert event.actor == manager and "550 mailbox unknown" in event.summary


@pytest.mark.django_db
def test_only_failed_batches_and_only_managers(manager, analyst, failed):
    with pytest.raises(PermissionError):
        delivery.batch_resend(batch_id=failed.pk, user=analyst)
    NoticeBatch.objects.filter(pk=failed.pk).update(state="sent")
    assert not delivery.batch_resend(batch_id=failed.pk, user=manager)
    assert not AuditEvent.objects.filter(action="notice_resent").exists()
    assert mail.outbox == []
