"""A claim lets one analyst assess a record; it lapses after TRIAGE_CLAIM_TTL or when released."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from staff.models import AuditEvent
from testsupport.triage import CRIMINAL_A, enriched_record, post, state_of
from triage.models import TriageState
from triage.services import claims
from triage.services.assessments import ClaimNeeded, View, record_assess


@pytest.fixture
def record(db):
    return enriched_record("http://example.com/claims")


def test_next_claims_the_top_record_and_opens_its_page(analyst_client, analyst, record):
    response = post(analyst_client, reverse("triage:next"))
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:record", args=[record.pk])
    state = state_of(record)
    assert state.claimed_by == analyst
    assert state.claimed_until - timezone.now() == pytest.approx(timedelta(minutes=15), abs=timedelta(seconds=5))
    assert AuditEvent.objects.filter(action="record_claimed", actor=analyst, target_id=str(record.pk)).exists()


def test_next_skips_records_someone_else_holds(analyst, senior, record):
    other = enriched_record("http://example.com/claims-2")
    assert claims.record_claim_next(user=analyst) == record.pk
    assert claims.record_claim_next(user=senior) == other.pk
    assert claims.record_claim_next(user=senior, skip=other.pk) is None


def test_an_analyst_holds_one_record_at_a_time(analyst, record):
    other = enriched_record("http://example.com/claims-2")
    claims.record_claim(record_id=record.pk, user=analyst)
    claims.record_claim(record_id=other.pk, user=analyst)
    assert state_of(record).claimed_by is None
    assert state_of(other).claimed_by == analyst
    assert AuditEvent.objects.filter(action="record_released", target_id=str(record.pk)).exists()


def test_nobody_can_take_a_record_another_analyst_holds(analyst, senior, senior_client, record):
    claims.record_claim(record_id=record.pk, user=analyst)
    assert not claims.record_claim(record_id=record.pk, user=senior)
    page = senior_client.get(reverse("triage:record", args=[record.pk]))
    assert "analyst is assessing this record" in page.content.decode()
    response = post(senior_client, reverse("triage:assess", args=[record.pk]), CRIMINAL_A)
    assert response.status_code == 409
    assert state_of(record).status == TriageState.Status.AWAITING_ASSESSMENT
    assert state_of(record).claimed_by == analyst
    assert not record.assessments.exists()


def test_an_assessment_sent_after_the_claim_lapsed_is_saved_if_nobody_took_the_record(analyst, analyst_client, record):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        claims.record_claim(record_id=record.pk, user=analyst)
        traveller.shift(timedelta(minutes=20))  # a long think: the claim lapsed
        response = post(
            analyst_client, reverse("triage:assess", args=[record.pk]), {**CRIMINAL_A, "notes": "Long look"}
        )
    assert response.status_code == 302
    state = state_of(record)
    assert state.status == TriageState.Status.AWAITING_CONFIRMATION
    assert state.assessment.analyst == analyst and state.assessment.notes == "Long look"
    assert state.claimed_by is None


def test_an_assessment_sent_after_someone_else_took_the_lapsed_record_is_kept_on_screen(
    analyst, analyst_client, senior, record
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        claims.record_claim(record_id=record.pk, user=analyst)
        traveller.shift(timedelta(minutes=20))
        assert claims.record_claim(record_id=record.pk, user=senior)
        response = post(
            analyst_client,
            reverse("triage:assess", args=[record.pk]),
            {**CRIMINAL_A, "notes": "Twenty minutes of careful notes"},
        )
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else has taken it" in html and "Your assessment was not saved" in html
    assert "Twenty minutes of careful notes" in html  # the bound form, as typed
    assert 'name="outcome"' in html
    assert not record.assessments.exists()
    assert state_of(record).claimed_by == senior


def test_assessing_needs_a_claim(analyst, record):
    with pytest.raises(ClaimNeeded):
        record_assess(record=record, analyst=analyst, view=View(outcome="not_illegal"))


def test_a_claim_expires_after_the_ttl(analyst, senior, record):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        claims.record_claim(record_id=record.pk, user=analyst)
        traveller.shift(timedelta(minutes=14))
        assert not claims.record_claim(record_id=record.pk, user=senior)
        traveller.shift(timedelta(minutes=2))
        # Lapsed: the first analyst can no longer assess, and anyone may take it.
        with pytest.raises(ClaimNeeded):
            record_assess(record=record, analyst=analyst, view=View(outcome="not_illegal"))
        assert claims.record_claim_next(user=senior) == record.pk
        assert state_of(record).claimed_by == senior


def test_viewing_the_record_keeps_the_holders_claim_alive(analyst, analyst_client, record):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        claims.record_claim(record_id=record.pk, user=analyst)
        traveller.shift(timedelta(minutes=10))
        analyst_client.get(reverse("triage:record", args=[record.pk]))
        traveller.shift(timedelta(minutes=10))
        assert state_of(record).claim_live()


def test_release_puts_the_record_back_for_anyone(analyst, analyst_client, senior, record):
    claims.record_claim(record_id=record.pk, user=analyst)
    response = post(analyst_client, reverse("triage:release", args=[record.pk]))
    assert response.status_code == 302
    assert state_of(record).claimed_by is None
    assert AuditEvent.objects.filter(action="record_released", actor=analyst, target_id=str(record.pk)).exists()
    assert claims.record_claim(record_id=record.pk, user=senior)


def test_only_the_holder_can_release(analyst, senior, record):
    claims.record_claim(record_id=record.pk, user=analyst)
    assert not claims.record_release(record_id=record.pk, user=senior)
    assert state_of(record).claimed_by == analyst


def test_next_says_so_when_nothing_is_waiting(analyst_client, db):
    response = post(analyst_client, reverse("triage:next"), follow=True)
    assert "Nothing is waiting" in response.content.decode()
