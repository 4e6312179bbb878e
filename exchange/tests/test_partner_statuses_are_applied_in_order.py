"""Our side: the partner's statuses are kept once each, a stale one never overwrites a newer one,
and "removed" closes our takedown, timed by the partner's removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import Forward
from takedown.models import Takedown
from testsupport.exchange import exchange_partner, post_signed
from testsupport.takedown import check, confirm, deliver, located_record

pytestmark = pytest.mark.django_db
STATUS = "/api/v1/exchange/status/"


@pytest.fixture
def forwarded(analyst, senior, settings):
    """A record forwarded to the partner a day ago; returns (their key, our reference, takedown)."""
    settings.NOTICE_REFERENCE_PREFIX = "GB-"
    _partner, their_key = exchange_partner()
    takedown = confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior)
    deliver(takedown, at=timezone.now() - timedelta(days=1))
    return their_key, f"GB-{takedown.pk:07d}", takedown


def send(their_key, reference, sequence, status, at=None, **extra):
    update = {"reference": reference, "sequence": sequence, "status": status, **extra}
    if at is not None:
        update["at"] = at.isoformat()
    return post_signed(STATUS, {"updates": [update]}, api_key=their_key)


def test_a_stale_status_is_kept_but_never_overwrites_a_newer_one(forwarded):
    their_key, reference, _ = forwarded
    assert send(their_key, reference, 3, "notice_sent").json()["results"][0]["result"] == "applied"
    late = send(their_key, reference, 2, "assessed", outcome="criminal_b", outcome_label="Category B")
    assert late.json()["results"][0]["result"] == "stale"
    forward = Forward.objects.get()
    assert (forward.status, forward.sequence, forward.outcome_label) == ("notice_sent", 3, "Category B")
    assert [(e.sequence, e.applied) for e in forward.events.all()] == [(2, False), (3, True)]


def test_a_repeated_status_is_recognised_and_changes_nothing(forwarded):
    their_key, reference, _ = forwarded
    send(their_key, reference, 2, "assessed")
    again = send(their_key, reference, 2, "assessed")
    assert again.status_code == 200 and again.json()["results"][0]["result"] == "duplicate"
    assert Forward.objects.get().events.count() == 1


def test_removed_closes_our_takedown_at_the_partners_moment_of_removal(forwarded):
    their_key, reference, takedown = forwarded
    removed_at = timezone.now() - timedelta(hours=2)
    assert send(their_key, reference, 4, "removed", at=removed_at).status_code == 200
    takedown.refresh_from_db()
    assert takedown.status == Takedown.Status.CONTENT_REMOVED
    assert abs(takedown.closed_at - removed_at) < timedelta(seconds=1)
    assert abs(takedown.removal_after_notice - timedelta(hours=22)) < timedelta(seconds=5)
    # Our own checks keep watching for a comeback, as after any removal.
    takedown.record.refresh_from_db()
    assert takedown.record.track_liveness is True


def test_a_removal_claimed_before_our_notice_counts_from_the_notice(forwarded):
    their_key, reference, takedown = forwarded
    send(their_key, reference, 4, "removed", at=timezone.now() - timedelta(days=30))
    takedown.refresh_from_db()
    assert takedown.closed_at == takedown.first_notice_at and takedown.removal_after_notice == timedelta(0)


def test_our_own_checks_that_closed_it_first_are_not_undone(forwarded):
    their_key, reference, takedown = forwarded
    check(takedown.record, status=410)
    check(takedown.record, status=410)
    takedown.refresh_from_db()
    closed_at = takedown.closed_at
    assert send(their_key, reference, 4, "removed").status_code == 200
    takedown.refresh_from_db()
    assert takedown.closed_at == closed_at and Forward.objects.get().status == "removed"


def test_a_status_for_an_address_we_never_forwarded_is_refused(forwarded):
    their_key, _, _ = forwarded
    answer = send(their_key, "GB-9999999", 2, "assessed")
    assert answer.status_code == 404 and "never forwarded" in answer.json()["detail"]
    assert not Forward.objects.exists()


def test_a_malformed_status_is_refused_whole(forwarded):
    their_key, reference, _ = forwarded
    answer = post_signed(
        STATUS,
        {"updates": [{"reference": reference, "sequence": 2, "status": "assessed"},
                     {"reference": reference, "sequence": 3, "status": "vanished"}]},
        api_key=their_key,
    )  # fmt: skip
    assert answer.status_code == 400 and "status must be one of" in answer.json()["detail"]
    assert not Forward.objects.exists()


def test_a_removal_reported_before_our_forward_was_marked_sent_closes_it_once_sent(
    analyst, senior, settings, django_capture_on_commit_callbacks
):
    """The partner answered (and removed it) before our worker recorded the forward as sent."""
    settings.NOTICE_REFERENCE_PREFIX = "GB-"
    _partner, their_key = exchange_partner()
    takedown = confirm(located_record("http://abroad.example/b", country="NL"), analyst, senior)
    from takedown.models import Notice, NoticeBatch

    batch = NoticeBatch.objects.create(recipient=takedown.recipient, channel="exchange", state="sending", attempts=1)
    Notice.objects.filter(takedown=takedown).update(batch=batch)
    assert send(their_key, f"GB-{takedown.pk:07d}", 4, "removed").json()["results"][0]["result"] == "applied"
    takedown.refresh_from_db()
    assert takedown.status == Takedown.Status.AWAITING_NOTICE  # not out for action yet: nothing to close

    from takedown import lifecycle

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.notices_sent(batch=batch, at=timezone.now())
    takedown.refresh_from_db()
    assert takedown.status == Takedown.Status.CONTENT_REMOVED


def test_an_unknown_reference_after_a_good_one_applies_nothing(forwarded):
    their_key, reference, takedown = forwarded
    answer = post_signed(
        STATUS,
        {"updates": [{"reference": reference, "sequence": 4, "status": "removed"},
                     {"reference": "GB-9999999", "sequence": 2, "status": "assessed"}]},
        api_key=their_key,
    )  # fmt: skip
    assert answer.status_code == 404 and answer.json()["detail"].startswith("Nothing was applied")
    assert not Forward.objects.filter(status="removed").exists()
    takedown.refresh_from_db()
    assert not takedown.closed
