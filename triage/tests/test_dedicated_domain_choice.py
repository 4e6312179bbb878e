"""Marking a record's whole domain as dedicated to abuse: criminal outcomes only, a record with a
domain name, one record at a time; on the audit trail; shown to, and confirmed by, a second senior."""

from __future__ import annotations

import pytest
from django.urls import reverse

from staff.models import AuditEvent
from testsupport.triage import CRIMINAL_A, assess, enriched_record, post
from triage.models import Assessment, TriageState
from triage.services.assessments import TriageError, View, assessment_dispute
from triage.services.bulk import records_bulk_assess

DEDICATED = CRIMINAL_A | {"dedicated_domain": "on"}


@pytest.fixture
def record(db):
    return enriched_record("http://www.dedicated.example.com/a")


def assess_through_the_page(client, record, data):
    post(client, reverse("triage:claim", args=[record.pk]))
    return post(client, reverse("triage:assess", args=[record.pk]), data)


def test_the_choice_is_recorded_and_audited_with_the_domain(analyst_client, record):
    assert assess_through_the_page(analyst_client, record, DEDICATED).status_code == 302
    assessment = Assessment.objects.get(record=record)
    assert assessment.dedicated_domain is True
    event = AuditEvent.objects.get(action=AuditEvent.Action.ASSESSED, target_id=str(record.pk))
    assert event.details["dedicated_domain"] == "example.com"


def test_the_record_page_names_the_domain_defanged(analyst_client, record):
    post(analyst_client, reverse("triage:claim", args=[record.pk]))
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "The whole domain example[.]com is dedicated to abuse" in html


def test_it_is_refused_with_a_non_criminal_outcome(analyst_client, record):
    response = assess_through_the_page(analyst_client, record, {"outcome": "not_illegal", "dedicated_domain": "on"})
    assert response.status_code == 400
    assert "Only for criminal outcomes" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_service_refuses_it_too(analyst, record):
    with pytest.raises(TriageError):
        assess(analyst, record, "not_illegal", dedicated_domain=True)
    assert not Assessment.objects.exists()


def test_it_is_refused_for_an_address_without_a_domain_name(analyst_client, db):
    numeric = enriched_record("http://192.0.2.7/a")
    response = assess_through_the_page(analyst_client, numeric, DEDICATED)
    assert response.status_code == 400
    assert "no domain name" in response.content.decode()
    assert not Assessment.objects.exists()


def test_bulk_assessment_cannot_mark_domains(senior, record):
    view = View(outcome="criminal_a", age_group="7-10", sex="girls", site_type="website", commercial=False,
                dedicated_domain=True)  # fmt: skip
    with pytest.raises(TriageError):
        records_bulk_assess(host=record.host, record_ids=[record.pk], assessor=senior, view=view)
    assert not Assessment.objects.exists()


def test_the_confirming_senior_sees_the_mark(analyst_client, senior2_client, record):
    assess_through_the_page(analyst_client, record, DEDICATED)
    html = senior2_client.get(reverse("triage:confirm", args=[record.pk])).content.decode()
    assert "example[.]com dedicated to abuse" in html
    assert "example.com" not in html.replace("dedicated.example.com", "")


def test_a_senior_who_disagrees_only_about_the_domain_disputes(analyst, senior2, record):
    first = assess(analyst, record, "criminal_a", dedicated_domain=True,
                   age_group="7-10", sex="girls", site_type="image_host", commercial=False)  # fmt: skip
    view = View(outcome="criminal_a", age_group="7-10", sex="girls", site_type="image_host", commercial=False)
    assessment_dispute(assessment=first, reviewer=senior2, view=view)
    assert TriageState.objects.get(pk=record.pk).status == TriageState.Status.DISPUTED
