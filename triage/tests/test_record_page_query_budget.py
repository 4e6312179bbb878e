"""The record page reads a fixed number of queries, however many reports, checks, notices and neighbours it shows."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from enrichment.models import HostAddress, LivenessCheck
from takedown.models import Takedown
from triage.services.assessments import View, assessment_confirm, assessment_dispute
from triage.tests.helpers import assess, enriched_record, report_about

MAX_QUERIES = 12


def _busy_record(analyst, senior, senior2):
    record = enriched_record("https://img.example.org/busy/1", online=True, report_count=40)
    for n in range(40):
        report_about(record, description=f"report {n}", received_at=timezone.now() - timedelta(hours=n))
    for n in range(3):
        HostAddress.objects.create(record=record, ip=f"198.51.100.{n + 1}", country_code="DE", asn=64500 + n)
    for _ in range(30):
        LivenessCheck.objects.create(record=record, outcome="ok", method="HEAD", status_code=200)
    for n in range(25):
        neighbour = enriched_record(f"https://img.example.org/other/{n}")
        if n % 2:
            assess(analyst, neighbour, "not_illegal")
        enriched_record(f"https://cdn{n}.example.org/x")  # same registrable domain, other host
    # Two views, a dispute, a second round, then a confirmation: many assessments and people.
    first = assess(analyst, record, "criminal_a")
    assessment_dispute(assessment=first, reviewer=senior, view=View(outcome="not_illegal"))
    second = assess(senior2, record, "criminal_b")
    assessment_confirm(assessment=second, confirmer=senior)
    return record


def test_a_busy_record_page_stays_within_the_query_budget(
    analyst, senior, senior2, senior_client, django_assert_max_num_queries
):
    record = _busy_record(analyst, senior, senior2)
    assert Takedown.objects.filter(record=record).exists()  # the confirmation opened one
    path = reverse("triage:record", args=[record.pk])
    senior_client.get(path)  # the session's first sight of triage
    with django_assert_max_num_queries(MAX_QUERIES):
        response = senior_client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "report 39" in html and "cdn3.example[.]org" in html
