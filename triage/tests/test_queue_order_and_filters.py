"""The queue: waiting records in an order the badges explain, with filters and page numbers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from testsupport.triage import assess, enriched_record, report_about
from triage import selectors
from triage.services.assessments import assessment_confirm

QUEUE = reverse("triage:queue")


def _order(**filters) -> list[int]:
    return list(selectors.queue(filters=selectors.QueueFilters(**filters)).values_list("pk", flat=True))


@pytest.fixture
def old():
    return timezone.now() - timedelta(days=3)


def test_each_reason_outranks_all_the_smaller_ones(analyst, senior2, old, db):
    plain = enriched_record("http://plain.example.com/1")
    old_one = enriched_record("http://plain.example.com/2", first_reported_at=old)
    repeated = enriched_record("http://plain.example.com/3", report_count=5)
    online = enriched_record("http://plain.example.com/4", online=True)
    # A host with a confirmed criminal record raises the others on it.
    confirmed = enriched_record("http://bad.example.org/1")
    assessment_confirm(assessment=assess(analyst, confirmed, "criminal_a"), confirmer=senior2)
    actioned = enriched_record("http://bad.example.org/2")
    same_domain = enriched_record("http://www.bad.example.org/3")
    assert _order() == [actioned.pk, same_domain.pk, online.pk, repeated.pk, old_one.pk, plain.pk]


def test_with_the_same_reasons_more_reports_then_older_come_first(old, db):
    newer = enriched_record("http://example.com/1", report_count=2)
    older = enriched_record(
        "http://example.com/2", report_count=2, first_reported_at=timezone.now() - timedelta(hours=2)
    )
    most = enriched_record("http://example.com/3", report_count=9)
    assert _order() == [most.pk, older.pk, newer.pk]


def test_disputed_records_come_first(analyst, senior2, db):
    from triage.services.assessments import View, assessment_dispute

    busy = enriched_record("http://example.com/busy", online=True, report_count=8)
    disputed = enriched_record("http://example.com/disputed")
    assessment_dispute(
        assessment=assess(analyst, disputed, "criminal_a"), reviewer=senior2, view=View(outcome="not_illegal")
    )
    assert _order() == [disputed.pk, busy.pk]


def test_only_waiting_records_are_listed(analyst, db):
    waiting = enriched_record("http://example.com/w")
    enriched_record("http://example.com/new", enrichment_state="new")
    assess(analyst, enriched_record("http://example.com/done"), "not_illegal")
    assess(analyst, enriched_record("http://example.com/crim"), "criminal_b")
    assert _order() == [waiting.pk]


def test_the_rows_show_their_reasons_as_badges_and_link_by_our_id(analyst_client, old, db):
    record = enriched_record("http://example.com/badge", online=True, report_count=3, first_reported_at=old)
    html = analyst_client.get(QUEUE).content.decode()
    assert "online now" in html and "reported 3×" in html and "waiting over a day" in html
    assert f'<a href="{reverse("triage:record", args=[record.pk])}">{record.pk}</a>' in html
    assert "hxxp://example[.]com/badge" in html


def test_filters_by_status_country_host_place_and_date(analyst, senior2, db):
    from triage.services.assessments import View, assessment_dispute

    nl = enriched_record("http://a.example.com/1", country_code="NL")
    us = enriched_record("http://b.example.org/1", country_code="US")
    report_about(nl, found_on="forum_chat", received_at=timezone.now() - timedelta(days=10))
    report_about(us, found_on="social")
    disputed = enriched_record("http://c.example.net/1", country_code="US")
    assessment_dispute(
        assessment=assess(analyst, disputed, "criminal_a"), reviewer=senior2, view=View(outcome="not_illegal")
    )
    assert _order(country="nl") == [nl.pk]
    assert _order(host="a.example.com") == [nl.pk]
    assert _order(host="example[.]org") == [us.pk]  # a registrable domain, pasted defanged
    assert _order(status="disputed") == [disputed.pk]
    assert _order(found_on="social") == [us.pk]
    today = timezone.now().date()
    assert _order(received_from=today - timedelta(days=1)) == [us.pk]
    assert _order(received_to=today - timedelta(days=5)) == [nl.pk]


def test_the_filter_form_works_from_the_page(analyst_client, db):
    enriched_record("http://a.example.com/1", country_code="NL")
    us = enriched_record("http://b.example.org/1", country_code="US")
    html = analyst_client.get(QUEUE, {"country": "US"}).content.decode()
    assert "1 waiting (filtered)" in html
    assert reverse("triage:record", args=[us.pk]) in html
    bad = analyst_client.get(QUEUE, {"received_from": "not a date"})
    assert bad.status_code == 200


def test_the_count_stops_at_its_cap(analyst_client, db, monkeypatch):
    from triage.views import queue as queue_view

    monkeypatch.setattr(queue_view, "COUNT_CAP", 5)
    for n in range(7):
        enriched_record(f"http://example.com/{n}")
    assert "5+ waiting" in analyst_client.get(QUEUE).content.decode()


def test_the_queue_takes_a_fixed_number_of_queries(analyst_client, django_assert_max_num_queries, db):
    for n in range(30):
        report_about(enriched_record(f"http://example.com/{n}", online=bool(n % 2)))
    analyst_client.get(QUEUE)  # session and sync warm-up
    with django_assert_max_num_queries(8):
        analyst_client.get(QUEUE)
