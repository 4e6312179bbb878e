"""A criminal assessment takes effect only when a different senior analyst confirms it."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from staff.models import AuditEvent
from testsupport.personas import login_verified
from testsupport.triage import CRIMINAL_A, assess, enriched_record, post, state_of
from triage.models import Assessment, TriageState
from triage.services.assessments import FourEyes, View, assessment_confirm, assessment_dispute

Status = TriageState.Status


@pytest.fixture
def record(db):
    return enriched_record("http://img.example.com/four-eyes")


def _assess_through_the_page(client, record, data):
    post(client, reverse("triage:claim", args=[record.pk]))
    return post(client, reverse("triage:assess", args=[record.pk]), data)


def test_a_criminal_assessment_waits_for_confirmation(analyst_client, record):
    response = _assess_through_the_page(analyst_client, record, CRIMINAL_A)
    assert response.status_code == 302
    state = state_of(record)
    assert state.status == Status.AWAITING_CONFIRMATION
    assert state.assessment.outcome == "criminal_a"
    assert state.claimed_by is None
    assert AuditEvent.objects.filter(action="assessed", target_id=str(record.pk)).exists()


def test_a_non_criminal_outcome_needs_no_second_pair_of_eyes(analyst_client, record):
    _assess_through_the_page(analyst_client, record, {"outcome": "not_illegal"})
    assert state_of(record).status == Status.NO_ACTION


def test_the_same_person_can_never_confirm_their_own_assessment(senior, senior_client, record):
    assess(senior, record, "criminal_b")
    page = senior_client.get(reverse("triage:confirm", args=[record.pk]))
    assert page.status_code == 200
    assert "You made this assessment" in page.content.decode()
    assert 'value="confirm"' not in page.content.decode()

    first = state_of(record).assessment
    response = post(
        senior_client, reverse("triage:confirm", args=[record.pk]), {"assessment": first.pk, "decision": "confirm"}
    )
    assert response.status_code == 409
    assert state_of(record).status == Status.AWAITING_CONFIRMATION
    with pytest.raises(FourEyes):
        assessment_confirm(assessment=first, confirmer=senior)
    assert not AuditEvent.objects.filter(action="confirmed").exists()


def test_the_database_refuses_a_self_confirmation_too(senior, record):
    first = assess(senior, record, "criminal_b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=first.pk).update(confirmed_by=senior, confirmed_at=first.created_at)


def test_another_senior_analyst_confirms(analyst, senior2_client, record):
    first = assess(analyst, record, "criminal_a")
    listing = senior2_client.get(reverse("triage:to_confirm"))
    assert reverse("triage:confirm", args=[record.pk]) in listing.content.decode()
    page = senior2_client.get(reverse("triage:confirm", args=[record.pk]))
    assert "Category A" in page.content.decode()

    response = post(
        senior2_client, reverse("triage:confirm", args=[record.pk]), {"assessment": first.pk, "decision": "confirm"}
    )
    assert response.status_code == 302
    state = state_of(record)
    assert state.status == Status.CONFIRMED_CRIMINAL
    first.refresh_from_db()
    assert first.confirmed_by.username == "senior2"
    event = AuditEvent.objects.get(action="confirmed")
    assert event.actor_username == "senior2"
    assert event.target_id == str(record.pk)


def test_a_confirmation_of_an_assessment_that_is_no_longer_current_is_refused(analyst, senior2_client, record):
    first = assess(analyst, record, "criminal_a")
    response = post(
        senior2_client,
        reverse("triage:confirm", args=[record.pk]),
        {"assessment": first.pk + 1000, "decision": "confirm"},
    )
    assert response.status_code == 302
    assert state_of(record).status == Status.AWAITING_CONFIRMATION


def test_a_disagreement_sends_the_record_back_to_the_queue_with_both_views(analyst, senior, senior2_client, record):
    first = assess(analyst, record, "criminal_a", age_group="3-6", sex="girls", site_type="forum", commercial=False)
    response = post(
        senior2_client,
        reverse("triage:confirm", args=[record.pk]),
        {
            "assessment": first.pk,
            "decision": "dispute",
            "outcome": "not_illegal",
            "notes": "Adults only, checked twice.",
        },
    )
    assert response.status_code == 302
    state = state_of(record)
    assert state.status == Status.DISPUTED
    second = state.assessment
    assert second.disputes == first and second.analyst.username == "senior2"
    first.refresh_from_db()
    assert first.disputed_by.username == "senior2" and first.confirmed_by is None
    assert AuditEvent.objects.filter(action="disputed", target_id=str(record.pk)).exists()

    # Back in the queue, marked disputed, and a third person sees both views.
    third_person = login_verified(Client(), senior)
    queue = third_person.get(reverse("triage:queue"))
    assert f'href="{reverse("triage:record", args=[record.pk])}"' in queue.content.decode()
    assert "reason-disputed" in queue.content.decode()
    page = third_person.get(reverse("triage:record", args=[record.pk]))
    text = page.content.decode()
    assert "Two views differ" in text
    assert "Category A" in text and "Not illegal" in text
    assert "Adults only, checked twice." in text


def test_a_dispute_that_says_the_same_thing_is_refused(analyst, senior2_client, record):
    first = assess(analyst, record, "criminal_a")
    data = {
        "assessment": first.pk,
        "decision": "dispute",
        "outcome": "criminal_a",
        "age_group": "7-10",
        "sex": "girls",
        "site_type": "image_host",
        "commercial": "no",
    }
    response = post(senior2_client, reverse("triage:confirm", args=[record.pk]), data)
    assert response.status_code == 409
    assert state_of(record).status == Status.AWAITING_CONFIRMATION


def test_a_disputed_record_is_assessed_again_and_confirmed_by_someone_else(analyst, senior, senior2, record):
    first = assess(analyst, record, "criminal_a")
    assessment_dispute(assessment=first, reviewer=senior2, view=View(outcome="not_illegal"))
    third = assess(senior, record, "criminal_c")
    assert state_of(record).status == Status.AWAITING_CONFIRMATION
    assessment_confirm(assessment=third, confirmer=senior2)
    assert state_of(record).status == Status.CONFIRMED_CRIMINAL


def test_only_a_senior_analyst_can_confirm(analyst, senior, record):
    first = assess(senior, record, "criminal_a")
    with pytest.raises(FourEyes):
        assessment_confirm(assessment=first, confirmer=analyst)


def test_a_senior_with_hundreds_of_own_pending_assessments_still_sees_the_ones_to_confirm(
    analyst, senior, senior_client
):
    from triage.services.assessments import View
    from triage.services.bulk import records_bulk_assess

    own = [enriched_record(f"http://many.example.com/{n}") for n in range(201)]
    view = View(outcome="criminal_c", age_group="14-15", sex="unknown", site_type="forum", commercial=False)
    records_bulk_assess(host="many.example.com", record_ids=[r.pk for r in own], assessor=senior, view=view)
    theirs = enriched_record("http://img.example.com/theirs")
    assess(analyst, theirs, "criminal_a")  # the newest: last in the oldest-first order
    html = senior_client.get(reverse("triage:to_confirm")).content.decode()
    assert reverse("triage:confirm", args=[theirs.pk]) in html
    assert "1 for you" in html
