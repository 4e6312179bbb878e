"""The record page: every report (nothing about the reporter), the enrichment, the neighbours, the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enrichment.models import HostAddress, LivenessCheck
from staff.models import AuditEvent
from testsupport.triage import assess, enriched_record, report_about


@pytest.fixture
def record(db):
    record = enriched_record("https://img.example.org/gallery/1", online=True, report_count=2)
    first = report_about(
        record,
        description="Seen in a forum thread",
        found_on="forum_chat",
        received_at=timezone.now() - timedelta(days=2),
    )
    first.contact_email = "reporter@example.com"
    first.save()
    report_about(record, description="Second report", found_on="social")
    HostAddress.objects.create(
        record=record,
        ip="198.51.100.20",
        country_code="DE",
        country_name="Germany",
        asn=64500,
        network_name="Example Hosting GmbH",
        geo_source="geoip2fast",
        approximate=True,
        geo_data_date="2026-10-01",
    )
    LivenessCheck.objects.create(
        record=record,
        outcome="ok",
        method="HEAD",
        status_code=200,
        content_type="image/jpeg",
        content_length=12345,
        server="nginx",
        final_url="https://cdn.example.org/x.jpg",
        connected_ip="198.51.100.20",
    )
    return record


def test_it_shows_every_report_but_nothing_about_the_reporter(analyst_client, record):
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "Seen in a forum thread" in html and "Second report" in html
    assert "found on a forum or chat" in html and "found on social media" in html
    assert "reporter@example.com" not in html
    assert "R-TEST" not in html  # the reference and receipt are the reporter's, not ours


def test_it_shows_hosting_and_liveness_defanged(analyst_client, record):
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "198[.]51[.]100[.]20" in html and "198.51.100.20" not in html
    assert "AS64500 Example Hosting GmbH" in html
    assert "approximate" in html and "2026-10-01" in html
    assert "hxxps://cdn[.]example[.]org/x[.]jpg" in html
    assert "image/jpeg" in html and "nginx" in html


def test_it_lists_other_records_on_the_same_host_and_domain_with_their_outcomes(analyst, analyst_client, record):
    same_host = enriched_record("https://img.example.org/gallery/2")
    assess(analyst, same_host, "outside_remit")
    same_domain = enriched_record("https://www.example.org/page")
    unrelated = enriched_record("https://example.com/elsewhere")
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert reverse("triage:record", args=[same_host.pk]) in html
    assert "Outside remit" in html
    assert reverse("triage:record", args=[same_domain.pk]) in html
    assert reverse("triage:record", args=[unrelated.pk]) not in html


def test_viewing_is_on_the_audit_trail_and_in_the_history(analyst, analyst_client, record):
    analyst_client.get(reverse("triage:record", args=[record.pk]))
    assert AuditEvent.objects.filter(action="record_viewed", actor=analyst, target_id=str(record.pk)).count() == 1
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "Viewed a record" in html


def test_the_form_appears_only_for_the_holder_of_the_claim(analyst_client, record):
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "Take this record" in html and 'name="outcome"' not in html
    from testsupport.triage import post

    post(analyst_client, reverse("triage:claim", args=[record.pk]))
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert 'name="outcome"' in html and "You hold this record" in html


def test_a_record_still_being_enriched_cannot_be_taken(analyst_client, db):
    record = enriched_record("https://example.com/new", enrichment_state="queued")
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "Enrichment has not finished" in html


def test_an_unknown_record_is_a_404(analyst_client, db):
    assert analyst_client.get(reverse("triage:record", args=[999999])).status_code == 404


def test_the_page_reads_the_triage_row_once_and_the_people_on_it_in_the_same_query(
    analyst, senior, senior_client, record
):
    import re

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from triage.services.assessments import assessment_confirm

    first = assess(analyst, record, "criminal_a")
    assessment_confirm(assessment=first, confirmer=senior)
    users = get_user_model()._meta.db_table

    def outer_table(sql: str) -> str | None:
        # The table of the query's own FROM, not one of a subquery in its columns (the record's
        # query counts the "To confirm" tab's assessments in a subquery, a COUNT on a partial index).
        depth = 0
        for n, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and sql.startswith(' FROM "', n):
                return sql[n + 7 : sql.index('"', n + 7)]
        return None

    def selects_from(table: str, queries) -> list[str]:
        return [
            q["sql"]
            for q in queries
            if re.match(r"^\s*SELECT ", q["sql"]) and outer_table(q["sql"]) == table
            and not q["sql"].startswith("SELECT COUNT(")
        ]  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        html = senior_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "analyst, " in html and "confirmed by senior" in html
    # The triage row comes joined to the record's own query, never on its own.
    assert len(selects_from("triage_triagestate", queries.captured_queries)) == 0
    record_queries = selects_from("reports_urlrecord", queries.captured_queries)
    assert any('JOIN "triage_triagestate"' in q for q in record_queries)
    # Only the session's own user is read on its own; the analyst and the confirmer come joined.
    assert len(selects_from(users, queries.captured_queries)) <= 1
