"""A senior analyst applies one outcome to every pending record of a host, after seeing them listed."""

import pytest
from django.urls import reverse

from staff.models import AuditEvent
from testsupport.triage import CRIMINAL_A, assess, enriched_record, post, state_of
from triage.models import Assessment, TriageState
from triage.services import claims
from triage.services.assessments import assessment_confirm

Status = TriageState.Status
HOST = "cdn.example.net"


@pytest.fixture
def host_records(db):
    return [enriched_record(f"http://{HOST}/{n}") for n in range(3)]


def test_the_confirmation_page_lists_every_pending_record_defanged(senior_client, host_records):
    elsewhere = enriched_record("http://other.example.net/1")
    response = post(senior_client, reverse("triage:bulk"), {"host": "cdn[.]example[.]net", "outcome": "not_illegal"})
    assert response.status_code == 200
    html = response.content.decode()
    for record in host_records:
        assert f'name="records" value="{record.pk}"' in html
        assert f"hxxp://cdn[.]example[.]net/{record.url.rsplit('/', 1)[1]}" in html
    assert f'value="{elsewhere.pk}"' not in html
    assert "Assess these 3" in html
    # Nothing has happened yet.
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="bulk_assessed").exists()


def test_applying_a_non_criminal_outcome_takes_them_out_of_the_queue(senior, senior_client, host_records):
    ids = [r.pk for r in host_records]
    response = post(
        senior_client, reverse("triage:bulk_apply"), {"host": HOST, "outcome": "outside_remit", "records": ids}
    )
    assert response.status_code == 302
    assert {state_of(r).status for r in host_records} == {Status.NO_ACTION}
    assert Assessment.objects.filter(bulk=True, analyst=senior).count() == 3
    event = AuditEvent.objects.get(action="bulk_assessed", target_type="")
    assert sorted(event.details["records"]) == sorted(ids)
    assert event.actor == senior


def test_a_bulk_assessment_shows_in_the_history_of_every_record_it_assessed(senior, senior_client, host_records):
    ids = [r.pk for r in host_records]
    post(senior_client, reverse("triage:bulk_apply"), {"host": HOST, "outcome": "outside_remit", "records": ids})
    per_record = AuditEvent.objects.filter(action="bulk_assessed", target_type="reports.urlrecord")
    assert sorted(int(e.target_id) for e in per_record) == sorted(ids)
    for record in host_records:
        event = per_record.get(target_id=str(record.pk))
        assert event.actor == senior
        assert event.details["assessment"] == state_of(record).assessment_id
        html = senior_client.get(reverse("triage:record", args=[record.pk])).content.decode()
        assert "Bulk assessed: Outside remit (one of 3 on cdn[.]example[.]net)" in html


def test_a_bulk_criminal_outcome_still_needs_a_second_senior_for_each_record(
    senior, senior2, senior_client, host_records
):
    data = {**CRIMINAL_A, "host": HOST, "records": [r.pk for r in host_records]}
    confirm_page = post(senior_client, reverse("triage:bulk"), data)
    assert "Each record will wait for confirmation" in confirm_page.content.decode()
    post(senior_client, reverse("triage:bulk_apply"), data)
    assert {state_of(r).status for r in host_records} == {Status.AWAITING_CONFIRMATION}
    listing = senior_client.get(reverse("triage:to_confirm")).content.decode()
    assert "Nothing waits for your confirmation" in listing
    first = state_of(host_records[0]).assessment
    assessment_confirm(assessment=first, confirmer=senior2)
    assert state_of(host_records[0]).status == Status.CONFIRMED_CRIMINAL


def test_records_someone_holds_or_already_decided_are_left_alone(analyst, senior_client, host_records):
    held, decided, free = host_records
    assess(analyst, decided, "unreachable")
    claims.record_claim(record_id=held.pk, user=analyst)
    response = post(senior_client, reverse("triage:bulk"), {"host": HOST, "outcome": "not_illegal"})
    assert f'value="{free.pk}"' in response.content.decode()
    assert f'value="{held.pk}"' not in response.content.decode()
    # Even if the ids are sent anyway.
    post(
        senior_client,
        reverse("triage:bulk_apply"),
        {"host": HOST, "outcome": "not_illegal", "records": [r.pk for r in host_records]},
    )
    assert state_of(held).status == Status.AWAITING_ASSESSMENT and state_of(held).claimed_by == analyst
    assert state_of(decided).assessment.outcome == "unreachable"
    assert state_of(free).status == Status.NO_ACTION


def test_ids_of_another_host_are_ignored(senior_client, host_records):
    stranger = enriched_record("http://other.example.net/1")
    post(
        senior_client, reverse("triage:bulk_apply"), {"host": HOST, "outcome": "not_illegal", "records": [stranger.pk]}
    )
    assert state_of(stranger).status == Status.AWAITING_ASSESSMENT


def test_criminal_details_are_required_in_bulk_too(senior_client, host_records):
    response = post(senior_client, reverse("triage:bulk"), {"host": HOST, "outcome": "criminal_b"})
    assert response.status_code == 400
    assert "Needed for a criminal outcome" in response.content.decode()


def test_a_host_with_nothing_pending_says_so(senior_client, db):
    response = post(senior_client, reverse("triage:bulk"), {"host": "nothing.example", "outcome": "not_illegal"})
    assert response.status_code == 400
    assert "No record of this host is waiting" in response.content.decode()
