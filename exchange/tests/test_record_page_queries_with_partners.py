"""The record page's partner sections read a fixed number of queries, however many statuses they show.

A record we forwarded reads its forwards with every status in one query
(ForwardEvent rows as JSON): 13 for a confirmed record seen by a senior, one
over the 12 of a record that never met a partner. A record a partner
forwarded to us finds its forward among the reports already read, plus one
query for the statuses we owe the partner.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import ForwardEvent, InboundForward
from testsupport.exchange import exchange_partner, post_signed
from testsupport.takedown import confirm, deliver, located_record

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
MAX_QUERIES_FORWARDED = 13


def test_a_record_we_forwarded_reads_its_statuses_in_one_query(
    analyst, senior2, senior_client, settings, django_assert_max_num_queries
):
    settings.NOTICE_REFERENCE_PREFIX = "GB-"
    _partner, their_key = exchange_partner()
    takedown = confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior2)
    deliver(takedown, at=timezone.now() - timedelta(hours=5))
    reference = f"GB-{takedown.pk:07d}"
    for sequence, status in ((1, "received"), (2, "assessed"), (3, "notice_sent")):
        update = {"reference": reference, "sequence": sequence, "status": status}
        post_signed("/api/v1/exchange/status/", {"updates": [update]}, api_key=their_key)
    assert ForwardEvent.objects.count() == 3
    path = f"/triage/record/{takedown.pk}/"
    senior_client.get(path)
    with django_assert_max_num_queries(MAX_QUERIES_FORWARDED):
        page = senior_client.get(path).content.decode()
    section = page[page.index('id="exchange-heading"') :]
    assert all(text in section for text in ("Received by the partner", "Assessed by the partner", "Notice sent"))


def test_a_record_a_partner_forwarded_stays_within_twelve(senior_client, django_assert_max_num_queries):
    _partner, their_key = exchange_partner(routes_to="", name="Hotline GB")
    item = {"reference": "GB-0000042", "url": "http://abroad.example/b", "assessment": {"label": "Category B"},
            "hosting": {"country": "NL"}}  # fmt: skip
    post_signed("/api/v1/exchange/forwards/", {"items": [item]}, api_key=their_key)
    path = f"/triage/record/{InboundForward.objects.get().record_id}/"
    senior_client.get(path)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = senior_client.get(path).content.decode()
    assert "Forwarded to us by Hotline GB" in page and "GB-0000042" in page
