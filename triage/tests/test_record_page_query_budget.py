"""The record page reads at most 12 queries, however many reports, checks, notices and neighbours it shows.

Both cases below stay within 12. Six are fixed: the session, the user, the
second-factor device, the permissions, the record itself and the audit
INSERT of the view. The record's query also brings its triage row, the
people on it, its takedown, its host addresses and latest liveness checks
(as JSON arrays, reportsite.jsonrows) and, for a senior, the "To confirm"
count. Then one query each for the assessments (none if none was made), the
neighbours, the history and the reports (with any partner's inbound
forward joined); a confirmed record adds its notices and replies. The
override form's recipients come from the cache (dropped whenever a
recipient changes), the exchange panel asks nothing unless a notice went to
a partner. A busy confirmed record seen by a senior: 12; a waiting one: 9.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from enrichment.models import HostAddress, LivenessCheck
from takedown.models import Takedown
from testsupport.triage import assess, enriched_record, report_about
from triage.services.assessments import View, assessment_confirm, assessment_dispute

MAX_QUERIES = 12


def _reported_a_lot(analyst):
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
    return record


def _busy_record(analyst, senior, senior2):
    record = _reported_a_lot(analyst)
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
    # Every report; the 20 most recent neighbours of each kind (cdn24 newest, cdn4 the oldest left out).
    assert "report 39" in html and "cdn24[.]example[.]org" in html and "cdn4[.]example[.]org" not in html
    _shows_the_enrichment_facts(html)
    # The takedown, the assessments and the senior's override form are all there.
    assert 'id="takedown-heading"' in html and 'id="override_recipient"' in html
    facts = html[html.index('id="assessments-heading"') :]
    assert facts[: facts.index("</section>")].count('<div class="assessment-card') == 3


def _shows_the_enrichment_facts(html: str) -> None:
    # Every host address, and all 30 liveness checks (status and method as stored).
    assert all(f"198[.]51[.]100[.]{n}" in html and f"AS{64500 + n - 1}" in html for n in (1, 2, 3))
    facts = html[html.index('aria-label="Liveness checks"') :]
    facts = facts[: facts.index("</table>")]
    assert facts.count("<tr>") == 31  # the head and 30 checks


def test_a_waiting_record_reported_many_times_stays_within_the_query_budget(
    analyst, analyst_client, django_assert_max_num_queries
):
    record = _reported_a_lot(analyst)
    path = reverse("triage:record", args=[record.pk])
    analyst_client.get(path)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = analyst_client.get(path)
    html = response.content.decode()
    assert response.status_code == 200 and "report 39" in html
    _shows_the_enrichment_facts(html)
