"""A re-check of a tracked record appends a LivenessCheck and moves the record's summary on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from enrichment import liveness, tasks, tracking
from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from testsupport.enrichment import jpeg_reply_headers, make_record
from testsupport.loopback import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_server(serve):
    return serve(lambda request: Reply(200, jpeg_reply_headers()))


def tracked(url: str, interval: timedelta | None = None):
    record = make_record(url)
    tracking.record_track(record=record, interval=interval)
    return record


def test_a_recheck_appends_a_check_and_updates_the_record(image_server):
    record = tracked(image_server.url("/a.jpg"), interval=timedelta(minutes=20))
    earlier = LivenessCheck.objects.create(record=record, outcome="ok", status_code=200, checked_at=timezone.now())

    check = tracking.record_recheck(record_id=record.pk)

    assert check is not None and check.pk != earlier.pk
    assert (check.outcome, check.status_code, check.content_type) == ("ok", 200, "image/jpeg")
    assert LivenessCheck.objects.filter(record=record).count() == 2
    record.refresh_from_db()
    assert record.online is True
    assert record.last_checked_at == check.checked_at
    assert record.next_check_at == check.checked_at + timedelta(minutes=20)


def test_a_record_without_its_own_interval_uses_the_default(image_server, settings):
    settings.LIVENESS_DEFAULT_INTERVAL = timedelta(hours=3)
    record = tracked(image_server.url("/a.jpg"))

    check = tracking.record_recheck(record_id=record.pk)

    record.refresh_from_db()
    assert record.next_check_at == check.checked_at + timedelta(hours=3)


def test_a_server_that_has_gone_away_makes_the_record_offline(serve):
    server = serve(lambda request: Reply(200, jpeg_reply_headers()))
    record = tracked(server.url("/a.jpg"))
    assert tracking.record_recheck(record_id=record.pk).outcome == "ok"
    server.stop()

    check = tracking.record_recheck(record_id=record.pk)

    assert check.outcome == "error"
    assert "refused" in check.detail.lower()
    record.refresh_from_db()
    assert record.online is False
    assert record.last_checked_at == check.checked_at
    assert record.next_check_at > timezone.now()  # still tracked: it may come back


def test_a_404_counts_as_offline(serve):
    server = serve(lambda request: Reply(404, [("Content-Type", "text/html")]))
    record = tracked(server.url("/removed.jpg"))

    check = tracking.record_recheck(record_id=record.pk)

    assert (check.outcome, check.status_code) == ("ok", 404)
    record.refresh_from_db()
    assert record.online is False


def test_a_record_no_longer_tracked_or_gone_is_left_alone(image_server):
    record = tracked(image_server.url("/a.jpg"))
    tracking.record_untrack(record=record)

    assert tracking.record_recheck(record_id=record.pk) is None
    assert tracking.record_recheck(record_id=987654) is None
    assert image_server.requests == []
    assert not LivenessCheck.objects.exists()


def test_a_record_untracked_during_its_check_gets_nothing_written(image_server, monkeypatch):
    record = tracked(image_server.url("/a.jpg"))
    real_check = liveness.check_url

    def untracked_meanwhile(url, **kwargs):
        tracking.record_untrack(record=UrlRecord.objects.get(pk=record.pk))
        return real_check(url, **kwargs)

    monkeypatch.setattr(liveness, "check_url", untracked_meanwhile)

    assert tracking.record_recheck(record_id=record.pk) is None
    assert len(image_server.requests) == 1
    assert not LivenessCheck.objects.exists()


def test_the_beat_task_rechecks_every_due_record_once(image_server):
    due = [tracked(image_server.url(f"/{n}.jpg")) for n in range(3)]
    make_record(image_server.url("/untracked.jpg"))

    assert tasks.recheck_due_records.delay().get() == 3
    assert tasks.recheck_due_records.delay().get() == 0

    assert sorted(LivenessCheck.objects.values_list("record_id", flat=True)) == [r.pk for r in due]
    assert sorted(r.target for r in image_server.requests) == ["/0.jpg", "/1.jpg", "/2.jpg"]
