"""Tracking until removed, on a frozen clock: two gone checks, repeat at 24 h, escalation at 72 h, re-opening."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from enrichment.liveness import Redirect
from enrichment.tracking import records_due_claim
from reports.models import UrlRecord
from staff.models import AuditEvent
from takedown.lifecycle import reply_record, takedowns_advance
from takedown.models import Notice, Recipient, Reply, Takedown
from takedown.signals import listing_changed
from testsupport.takedown import check, confirm, deliver, host, located_record, partner, police, takedown_of

Status = Takedown.Status
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.HOME_COUNTRY = "GB"
    settings.TAKEDOWN_CHECK_INTERVAL = timedelta(hours=1)
    settings.TAKEDOWN_REPEAT_AFTER = timedelta(hours=24)
    settings.TAKEDOWN_ESCALATE_AFTER = timedelta(hours=72)
    settings.REMOVED_CHECK_INTERVAL = timedelta(hours=24)
    settings.REMOVED_WATCH = timedelta(days=90)
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def listing():
    seen = []

    def receiver(sender, record_id, listed, at, **kwargs):
        seen.append((record_id, listed))

    listing_changed.connect(receiver, dispatch_uid="test-listing")
    yield seen
    listing_changed.disconnect(dispatch_uid="test-listing")


@pytest.fixture
def notified(analyst, senior, _clock, listing):
    """A home record reported at START, confirmed, its notice delivered one hour later."""
    host("Example Hosting", cidrs="192.0.2.0/24")
    police("NCA CEOP", countries="GB")
    record = located_record("http://clock.example/a", country="GB")
    UrlRecord.objects.filter(pk=record.pk).update(first_reported_at=START)
    takedown = confirm(record, analyst, senior)
    _clock.shift(timedelta(hours=1))
    deliver(takedown)
    return UrlRecord.objects.get(pk=record.pk)


def test_the_first_notice_starts_hourly_checks(notified):
    takedown = takedown_of(notified)
    assert takedown.status == Status.NOTICE_SENT
    assert takedown.first_notice_at == START + timedelta(hours=1)
    assert notified.track_liveness
    assert notified.next_check_at == START + timedelta(hours=2)
    assert records_due_claim(now=START + timedelta(hours=1, minutes=59)) == []
    assert records_due_claim(now=START + timedelta(hours=2)) == [notified.pk]


def test_two_gone_checks_in_a_row_mark_it_removed_with_both_clocks(notified, _clock, listing):
    _clock.shift(timedelta(hours=1))
    check(notified, status=404)
    assert takedown_of(notified).status == Status.NOTICE_SENT  # one is not enough
    _clock.shift(timedelta(hours=1))
    check(notified, status=410)
    takedown = takedown_of(notified)
    assert takedown.status == Status.CONTENT_REMOVED
    assert takedown.closed_at == START + timedelta(hours=3)
    assert takedown.removal_after_report == timedelta(hours=3)
    assert takedown.removal_after_notice == timedelta(hours=2)
    assert (notified.pk, False) in listing
    assert AuditEvent.objects.filter(action="removed", target_id=str(notified.pk)).count() == 1
    # Still watched, daily, for a comeback.
    record = UrlRecord.objects.get(pk=notified.pk)
    assert record.track_liveness and record.next_check_at == START + timedelta(hours=27)


def test_a_host_that_no_longer_exists_makes_it_unavailable(notified, _clock):
    check(notified, outcome="error", error_kind="no_dns")
    check(notified, outcome="error", error_kind="refused")
    assert takedown_of(notified).status == Status.CONTENT_UNAVAILABLE


def test_a_redirect_away_from_the_content_counts_as_gone(notified):
    away = (Redirect(url=notified.url, status=302, location="http://clock.example/", method="HEAD"),)
    check(notified, status=200, redirects=away, final_url="http://clock.example/")
    check(notified, status=200, redirects=away, final_url="http://clock.example/")
    assert takedown_of(notified).status == Status.CONTENT_REMOVED


def test_a_redirect_to_https_of_the_same_address_is_still_there(notified):
    same = (Redirect(url=notified.url, status=301, location="https://clock.example/a", method="HEAD"),)
    for _ in range(3):
        check(notified, status=200, redirects=same, final_url="https://clock.example/a")
    assert takedown_of(notified).status == Status.NOTICE_SENT


def test_gone_then_present_starts_the_count_again(notified):
    check(notified, status=404)
    check(notified, status=200)
    check(notified, status=404)
    takedown = takedown_of(notified)
    assert takedown.status == Status.NOTICE_SENT and takedown.gone_checks == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"outcome": "error", "error_kind": "timeout"},
        {"outcome": "error", "error_kind": "dns_failure"},
        {"outcome": "blocked"},
        {"status": 503},
        {"status": 403},
    ],
    ids=["timeout", "dns-failure", "blocked", "server-error", "forbidden"],
)
def test_checks_that_say_nothing_neither_count_nor_reset(notified, kwargs):
    check(notified, status=404)
    check(notified, **kwargs)
    assert takedown_of(notified).gone_checks == 1
    check(notified, status=404)
    assert takedown_of(notified).status == Status.CONTENT_REMOVED


def test_a_repeat_notice_after_24_hours_and_not_before(notified, _clock):
    _clock.move_to(START + timedelta(hours=24, minutes=59))
    assert takedowns_advance()["repeated"] == 0
    _clock.move_to(START + timedelta(hours=25))
    assert takedowns_advance()["repeated"] == 1
    assert takedowns_advance()["repeated"] == 0  # once
    repeat = Notice.objects.get(takedown_id=notified.pk, purpose="repeat")
    assert repeat.recipient.name == "Example Hosting" and repeat.batch is None
    assert takedown_of(notified).repeated_at == START + timedelta(hours=25)


def test_escalation_after_72_hours_to_the_police_and_flagged(notified, _clock):
    _clock.move_to(START + timedelta(hours=72, minutes=59))
    assert takedowns_advance()["escalated"] == 0
    _clock.move_to(START + timedelta(hours=73))
    assert takedowns_advance()["escalated"] == 1
    assert takedowns_advance()["escalated"] == 0
    escalation = Notice.objects.get(takedown_id=notified.pk, purpose="escalation")
    assert escalation.recipient.name == "NCA CEOP"
    takedown = takedown_of(notified)
    assert takedown.escalated and takedown.status == Status.NOTICE_SENT
    assert "flagged to managers" in AuditEvent.objects.get(action="escalated").summary


def test_what_is_removed_is_neither_repeated_nor_escalated(notified, _clock):
    check(notified, status=404)
    check(notified, status=404)
    _clock.move_to(START + timedelta(days=5))
    assert takedowns_advance() == {"repeated": 0, "escalated": 0, "unwatched": 0}


def test_a_law_enforcement_route_escalates_to_managers_only(analyst, senior, _clock):
    police("Interpol desk")
    record = located_record("http://le.example/a", country="US")
    takedown = confirm(record, analyst, senior)
    deliver(takedown)
    assert takedown_of(record).status == Status.FORWARDED_LAW_ENFORCEMENT
    _clock.shift(timedelta(hours=73))
    takedowns_advance()
    assert takedown_of(record).escalated
    assert not Notice.objects.filter(takedown=takedown, purpose="escalation").exists()


def test_a_partner_route_is_forwarded_and_escalates_to_the_police(analyst, senior, _clock):
    partner("Offlimits", countries="NL")
    police("Interpol desk")
    record = located_record("http://nl.example/a", country="NL")
    deliver(confirm(record, analyst, senior))
    assert takedown_of(record).status == Status.FORWARDED_PARTNER
    _clock.shift(timedelta(hours=73))
    takedowns_advance()
    assert Notice.objects.get(takedown_id=record.pk, purpose="escalation").recipient.name == "Interpol desk"


def test_a_removed_address_that_answers_again_is_reopened(notified, _clock, listing):
    check(notified, status=404)
    check(notified, status=404)
    _clock.shift(timedelta(days=2))
    check(notified, status=200)
    takedown = takedown_of(notified)
    assert takedown.status == Status.AWAITING_NOTICE
    assert takedown.cycle == 1 and takedown.reopened_at == timezone.now()
    assert takedown.closed_at is None and takedown.first_notice_at is None
    assert listing[-2:] == [(notified.pk, False), (notified.pk, True)]
    # A fresh notice for the new cycle; the first cycle's notice is not sent again.
    assert Notice.objects.filter(takedown=takedown, purpose="initial", cycle=1, batch__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="record_reopened").count() == 1
    # Back to hourly checks.
    record = UrlRecord.objects.get(pk=notified.pk)
    assert record.next_check_at == timezone.now() + timedelta(hours=1)


def test_the_new_cycle_runs_its_own_clock(notified, _clock):
    check(notified, status=404)
    check(notified, status=404)
    check(notified, status=200)
    _clock.shift(timedelta(hours=2))
    deliver(takedown_of(notified))
    takedown = takedown_of(notified)
    assert takedown.status == Status.NOTICE_SENT and takedown.first_notice_at == timezone.now()
    check(notified, status=404)
    check(notified, status=404)
    assert takedown_of(notified).removal_after_notice == timedelta(0)


def test_removed_records_stop_being_watched_after_the_watch_period(notified, _clock):
    check(notified, status=404)
    check(notified, status=404)
    _clock.shift(timedelta(days=89))
    assert takedowns_advance()["unwatched"] == 0
    _clock.shift(timedelta(days=2))
    assert takedowns_advance()["unwatched"] == 1
    assert not UrlRecord.objects.get(pk=notified.pk).track_liveness


def test_a_reply_is_kept_and_moved_closes_the_takedown(notified, analyst):
    takedown = takedown_of(notified)
    reply_record(takedown=takedown, says=Reply.Says.WILL_ACT, text="Ticket 4411 opened", user=analyst)
    assert takedown_of(notified).status == Status.NOTICE_SENT
    reply_record(takedown=takedown, says=Reply.Says.MOVED, text="", moved_to="http://new.example/b", user=analyst)
    assert takedown_of(notified).status == Status.MOVED
    assert list(Reply.objects.filter(takedown=takedown).values_list("says", flat=True)) == ["will_act", "moved"]
    assert AuditEvent.objects.filter(action="reply_recorded", actor=analyst).count() == 2


def test_notices_still_waiting_when_it_goes_are_withdrawn_but_the_polices_copy_stays(notified, _clock):
    _clock.move_to(START + timedelta(hours=25))
    takedowns_advance()  # a repeat notice is now waiting for its batch
    assert Notice.objects.filter(takedown_id=notified.pk, purpose="repeat", batch__isnull=True).exists()
    Notice.objects.create(
        takedown_id=notified.pk, recipient=Recipient.objects.get(name="NCA CEOP"), purpose="inform", cycle=1
    )
    check(notified, status=404)
    check(notified, status=404)
    waiting = Notice.objects.filter(takedown_id=notified.pk, batch__isnull=True)
    assert list(waiting.values_list("purpose", flat=True)) == ["inform"]
