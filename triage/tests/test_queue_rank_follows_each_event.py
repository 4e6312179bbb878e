"""The queue's stored priority and rank change in the same transaction as each event that changes them.

After every event the stored rank must equal a from-scratch recomputation
(`_fresh`), and the event under test must have moved it.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from enrichment.liveness import LivenessResult
from enrichment.services import liveness_save
from reports.services import AddressInput, report_submit
from testsupport.triage import assess, claim, enriched_record, state_of
from triage import priority
from triage.models import TriageState
from triage.priority import queue_age_sweep, queue_rank, queue_reprioritise_all
from triage.services import claims
from triage.services.assessments import View, assessment_confirm, assessment_dispute

pytestmark = pytest.mark.django_db


def _stored(record) -> tuple[int, int]:
    state = state_of(record)
    return state.priority, state.queue_rank


def _fresh(record) -> tuple[int, int]:
    """What the rank should be now, worked out by hand from the badges."""
    record.refresh_from_db()
    state = state_of(record)
    from triage.models import ActionedName

    actioned = ActionedName.objects.filter(kind="host", name=record.host).exists() or (
        ActionedName.objects.filter(kind="domain", name=record.registrable_domain).exists()
    )
    p = priority.priority_of(
        disputed=state.status == "disputed",
        actioned=actioned,
        online=record.online,
        report_count=record.report_count,
        first_reported_at=record.first_reported_at,
        now=timezone.now(),
    )
    return p, queue_rank(priority=p, report_count=record.report_count, first_reported_at=record.first_reported_at)


def test_entering_triage_after_enrichment_ranks_the_record(db):
    record = enriched_record("http://example.com/a", online=True, report_count=3)
    assert _stored(record) == _fresh(record)
    assert _stored(record)[0] == priority.WEIGHT_ONLINE + priority.WEIGHT_REPEATED


def test_a_new_report_of_a_waiting_address_moves_it_up_with_the_report(db):
    report_submit(
        addresses=[AddressInput("http://example.com/a", "http://example.com/a")], seen="images", found_on="website"
    )
    from reports.models import UrlRecord

    record = UrlRecord.objects.get()
    record.enrichment_state = "enriched"
    record.save()
    from triage.services.states import states_create

    states_create([record.pk])
    before = _stored(record)
    with transaction.atomic():
        report_submit(
            addresses=[AddressInput("HTTP://EXAMPLE.COM/a", "http://example.com/a")], seen="images", found_on="website"
        )
    after = _stored(record)
    assert after == _fresh(record)
    assert after[0] == before[0] + priority.WEIGHT_REPEATED and after[1] < before[1]


def test_a_liveness_check_that_finds_it_online_moves_it_up(db):
    record = enriched_record("http://example.com/a", online=False)
    before = _stored(record)
    liveness_save(
        record_id=record.pk, result=LivenessResult(url=record.url, outcome="ok", status=200, checked_at=timezone.now())
    )
    assert _stored(record) == _fresh(record)
    assert _stored(record)[0] == before[0] + priority.WEIGHT_ONLINE


def test_claiming_and_releasing_leave_the_order_alone(analyst):
    record = enriched_record("http://example.com/a", online=True)
    before = _stored(record)
    claim(analyst, record)
    assert _stored(record) == before
    claims.record_release(record_id=record.pk, user=analyst)
    assert _stored(record) == before == _fresh(record)


def test_assessing_takes_it_out_of_the_ranked_rows(analyst):
    from triage import selectors

    record = enriched_record("http://example.com/a")
    assess(analyst, record, "not_illegal")
    assert record.pk not in [s.pk for s in selectors.queue_page().rows]


def test_a_dispute_puts_it_first(analyst, senior2):
    busy = enriched_record("http://example.com/busy", online=True, report_count=9)
    record = enriched_record("http://example.com/a")
    assessment_dispute(
        assessment=assess(analyst, record, "criminal_a"), reviewer=senior2, view=View(outcome="not_illegal")
    )
    assert _stored(record) == _fresh(record)
    assert _stored(record)[0] == priority.WEIGHT_DISPUTED
    assert _stored(record)[1] < _stored(busy)[1]


def test_a_confirmation_raises_the_other_waiting_records_of_its_host_and_domain(analyst, senior2):
    confirmed = enriched_record("http://bad.example.org/1")
    same_host = enriched_record("http://bad.example.org/2")
    same_domain = enriched_record("http://www.bad.example.org/3")
    elsewhere = enriched_record("http://good.example.net/1")
    untouched = _stored(elsewhere)
    assessment_confirm(assessment=assess(analyst, confirmed, "criminal_a"), confirmer=senior2)
    for record in (same_host, same_domain):
        assert _stored(record) == _fresh(record)
        assert _stored(record)[0] == priority.WEIGHT_ACTIONED
    assert _stored(elsewhere) == untouched


def test_the_clock_adds_waiting_over_a_day_when_the_sweep_runs(db):
    record = enriched_record("http://example.com/a", first_reported_at=timezone.now() - timedelta(hours=23, minutes=59))
    assert _stored(record)[0] == 0
    later = timezone.now() + timedelta(minutes=5)
    assert queue_age_sweep(now=later) == 1
    assert state_of(record).priority == priority.WEIGHT_OLD
    assert queue_age_sweep(now=later) == 0  # done once


def test_a_full_recompute_repairs_a_row_left_wrong(db):
    record = enriched_record("http://example.com/a", online=True)
    TriageState.objects.filter(pk=record.pk).update(priority=0, queue_rank=0)
    assert queue_reprioritise_all() == 1
    assert _stored(record) == _fresh(record)


def test_the_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "triage.tasks.age_queue" in tasks


def test_the_rank_orders_as_the_badges_say(db):
    now = timezone.now()
    ranks = [
        queue_rank(priority=16, report_count=1, first_reported_at=now),
        queue_rank(priority=8, report_count=100, first_reported_at=now),
        queue_rank(priority=8, report_count=2, first_reported_at=now - timedelta(days=1)),
        queue_rank(priority=8, report_count=2, first_reported_at=now),
        queue_rank(priority=0, report_count=10**9, first_reported_at=now),
    ]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert all(0 <= r < 2**63 for r in ranks)
