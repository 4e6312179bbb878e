"""'Save and take the next': the assessment is saved and the analyst is on the next record, already holding it."""

import pytest
from django.urls import reverse

from testsupport.triage import claim, enriched_record, post, state_of

pytestmark = pytest.mark.django_db


def test_it_saves_and_takes_the_next_record(analyst, analyst_client):
    first = enriched_record("http://one.example/a")
    second = enriched_record("http://two.example/a")
    claim(analyst, first)
    response = post(
        analyst_client, reverse("triage:assess", args=[first.pk]), {"outcome": "not_illegal", "then": "next"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("triage:record", args=[second.pk])
    assert state_of(first).status == "no_action"
    assert state_of(second).claimed_by_id == analyst.pk


def test_with_nothing_left_it_goes_back_to_the_queue(analyst, analyst_client):
    only = enriched_record("http://only.example/a")
    claim(analyst, only)
    response = post(
        analyst_client, reverse("triage:assess", args=[only.pk]), {"outcome": "not_illegal", "then": "next"}
    )
    assert response["Location"] == reverse("triage:queue")
    assert state_of(only).status == "no_action"


def test_an_invalid_assessment_stays_on_the_record_and_takes_nothing(analyst, analyst_client):
    first = enriched_record("http://one.example/a")
    second = enriched_record("http://two.example/a")
    claim(analyst, first)
    response = post(analyst_client, reverse("triage:assess", args=[first.pk]), {"then": "next"})
    assert response.status_code == 400 and "Choose an outcome." in response.content.decode()
    assert state_of(first).status == "awaiting_assessment" and state_of(second).claimed_by_id is None


def test_the_plain_save_stays_on_the_record(analyst, analyst_client):
    first = enriched_record("http://one.example/a")
    enriched_record("http://two.example/a")
    claim(analyst, first)
    response = post(analyst_client, reverse("triage:assess", args=[first.pk]), {"outcome": "not_illegal"})
    assert response["Location"] == reverse("triage:record", args=[first.pk])


def test_the_record_page_offers_both_buttons(analyst, analyst_client):
    record = enriched_record("http://one.example/a")
    claim(analyst, record)
    page = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert 'name="then" value="next"' in page and "Save and take the next" in page
