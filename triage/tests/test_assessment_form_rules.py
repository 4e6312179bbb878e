"""The assessment form: criminal outcomes need their details, other outcomes must not have them."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from testsupport.triage import CRIMINAL_A, claim, enriched_record, post, state_of
from triage.forms import AssessmentForm
from triage.models import Assessment


@pytest.fixture
def record(db):
    return enriched_record("http://example.com/form")


def _errors(record, **data) -> dict:
    form = AssessmentForm(data, record=record)
    form.is_valid()
    return form.errors


def test_a_criminal_outcome_with_all_details_is_valid(record):
    assert _errors(record, **CRIMINAL_A) == {}


@pytest.mark.parametrize("missing", ["age_group", "sex", "site_type", "commercial"])
def test_each_criminal_detail_is_required(record, missing):
    data = {**CRIMINAL_A, missing: ""}
    assert "Needed for a criminal outcome." in _errors(record, **data)[missing]


@pytest.mark.parametrize(
    "detail", [("age_group", "3-6"), ("sex", "boys"), ("site_type", "forum"), ("commercial", "no")]
)
def test_details_are_refused_for_a_non_criminal_outcome(record, detail):
    errors = _errors(record, outcome="not_illegal", **{detail[0]: detail[1]})
    assert "Only for criminal outcomes: leave it empty." in errors[detail[0]]


def test_a_duplicate_names_an_existing_other_record(record):
    original = enriched_record("http://example.com/original")
    assert "Give the number" in _errors(record, outcome="duplicate")["duplicate_of"][0]
    assert "no record with that number" in _errors(record, outcome="duplicate", duplicate_of=99999)["duplicate_of"][0]
    assert "itself" in _errors(record, outcome="duplicate", duplicate_of=record.pk)["duplicate_of"][0]
    assert _errors(record, outcome="duplicate", duplicate_of=original.pk) == {}
    assert (
        "Only for the duplicate" in _errors(record, outcome="unreachable", duplicate_of=original.pk)["duplicate_of"][0]
    )


def test_an_invalid_form_is_shown_again_with_its_errors_and_nothing_is_saved(analyst, analyst_client, record):
    claim(analyst, record)
    response = post(analyst_client, reverse("triage:assess", args=[record.pk]), {"outcome": "criminal_c"})
    assert response.status_code == 400
    assert "Needed for a criminal outcome." in response.content.decode()
    assert not Assessment.objects.exists()
    assert state_of(record).claimed_by == analyst


def test_a_duplicate_assessment_is_saved_with_its_original(analyst, analyst_client, record):
    original = enriched_record("http://example.com/original")
    claim(analyst, record)
    post(
        analyst_client,
        reverse("triage:assess", args=[record.pk]),
        {"outcome": "duplicate", "duplicate_of": original.pk},
    )
    assessment = state_of(record).assessment
    assert assessment.outcome == "duplicate" and assessment.duplicate_of == original


def test_the_database_refuses_what_the_form_refuses(analyst, record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(record=record, analyst=analyst, outcome="criminal_a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(record=record, analyst=analyst, outcome="not_illegal", age_group="3-6")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(record=record, analyst=analyst, outcome="duplicate")
