"""What a reporter sees on the status page follows triage, and says nothing about what was found."""

import pytest

from reports.models import Report
from testsupport.reports import confirmation_codes, post_form, send_report
from testsupport.triage import assess, enriched_record, report_about
from triage.public_status import PublicStatus, report_public_status
from triage.services import claims
from triage.services.assessments import View, assessment_confirm, assessment_dispute


@pytest.fixture
def records(db):
    return enriched_record("http://example.com/one"), enriched_record("http://example.org/two")


def test_a_report_nobody_has_started_on_is_received(records):
    assert report_public_status(report_about(*records)) == PublicStatus.RECEIVED


def test_a_report_whose_addresses_are_still_being_enriched_is_received(db):
    pending = enriched_record("http://example.net/pending", enrichment_state="queued")
    assert report_public_status(report_about(pending)) == PublicStatus.RECEIVED


def test_a_claim_on_any_address_means_being_assessed(analyst, records):
    report = report_about(*records)
    claims.record_claim(record_id=records[0].pk, user=analyst)
    assert report_public_status(report) == PublicStatus.BEING_ASSESSED
    # Released again: it was still looked at; the reporter does not go back to "received".
    claims.record_release(record_id=records[0].pk, user=analyst)
    assert report_public_status(report) == PublicStatus.BEING_ASSESSED


def test_an_assessment_waiting_for_confirmation_is_still_being_assessed(analyst, records):
    report = report_about(*records)
    assess(analyst, records[0], "criminal_a")
    assert report_public_status(report) == PublicStatus.BEING_ASSESSED


def test_a_confirmed_criminal_address_means_action_taken(analyst, senior2, records):
    report = report_about(*records)
    first = assess(analyst, records[0], "criminal_a")
    assessment_confirm(assessment=first, confirmer=senior2)
    assert report_public_status(report) == PublicStatus.ACTION_TAKEN


def test_a_dispute_keeps_it_being_assessed(analyst, senior2, records):
    report = report_about(records[0])
    first = assess(analyst, records[0], "criminal_a")
    assessment_dispute(assessment=first, reviewer=senior2, view=View(outcome="not_illegal"))
    assert report_public_status(report) == PublicStatus.BEING_ASSESSED


def test_no_action_only_when_every_address_is_finally_assessed(analyst, records):
    report = report_about(*records)
    assess(analyst, records[0], "not_illegal")
    assert report_public_status(report) == PublicStatus.BEING_ASSESSED
    assess(analyst, records[1], "outside_remit")
    assert report_public_status(report) == PublicStatus.NO_ACTION


def test_it_takes_one_query_however_many_addresses(records, django_assert_num_queries):
    report = report_about(*records, *[enriched_record(f"http://example.com/{n}") for n in range(10)])
    with django_assert_num_queries(1):
        report_public_status(report)


def test_the_status_page_shows_it(analyst, senior2, client, db, django_capture_on_commit_callbacks):
    # The form's report; enrichment runs inline in tests, and its signal adds the triage row.
    with django_capture_on_commit_callbacks(execute=True):
        response = send_report(client, "http://example.com/status-page")
    reference, receipt = confirmation_codes(response)
    record = Report.objects.get(reference=reference).records.get()
    assert record.enrichment_state == "enriched"
    first = assess(analyst, record, "criminal_a")
    assessment_confirm(assessment=first, confirmer=senior2)
    page = post_form(client, "/status/", {"reference": reference, "receipt": receipt})
    assert "Action taken" in page.content.decode()
