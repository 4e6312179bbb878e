"""The record page's exchange section: the partner's statuses on ours, the forwarding partner on theirs;
defanged, no link to the content."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import InboundForward
from testsupport.exchange import exchange_partner, post_signed
from testsupport.takedown import confirm, deliver, located_record

pytestmark = pytest.mark.django_db


def test_our_record_page_shows_each_status_the_partner_sent(analyst, senior, analyst_client, settings):
    settings.NOTICE_REFERENCE_PREFIX = "GB-"
    _partner, their_key = exchange_partner()
    takedown = confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior)
    deliver(takedown, at=timezone.now() - timedelta(hours=5))
    reference = f"GB-{takedown.pk:07d}"
    for sequence, status in ((1, "received"), (3, "notice_sent"), (2, "assessed"), (4, "removed")):
        update = {"reference": reference, "sequence": sequence, "status": status, "outcome_label": "Category A"
                  if status == "assessed" else "", "outcome": "criminal_a" if status == "assessed" else ""}  # fmt: skip
        post_signed("/api/v1/exchange/status/", {"updates": [update]}, api_key=their_key)

    page = analyst_client.get(f"/triage/record/{takedown.pk}/").content.decode()
    section = page[page.index('id="exchange-heading"') :]
    expected = (
        "Forwarded to Hotline NL",
        "Removed (partner)",
        reference,
        "Received by the partner",
        "Assessed by the partner: Category A",
        "arrived after a later status",
        "Notice sent by the partner",
    )
    for text in expected:
        assert text in section, text
    assert "Content removed" in page  # the takedown closed with it
    assert not re.search(r'(href|src|action)="[^"]*abroad', page)


def test_a_forwarded_record_shows_who_forwarded_it(analyst_client):
    _partner, their_key = exchange_partner(routes_to="", name="Hotline GB")
    assessment = {"label": "Category B", "age_group": "11-13", "site_type": "image_host"}
    item = {"reference": "GB-0000042", "url": "http://abroad.example/b", "assessment": assessment,
            "hosting": {"country": "NL"}}  # fmt: skip
    post_signed("/api/v1/exchange/forwards/", {"items": [item]}, api_key=their_key)
    record_id = InboundForward.objects.get().record_id

    page = analyst_client.get(f"/triage/record/{record_id}/").content.decode()
    assert (
        "Forwarded to us by Hotline GB" in page
        and "GB-0000042" in page
        and "Category B, age 11-13" in page
        and "image host" in page
    )
    assert "abroad[.]example" in page


def test_text_a_partner_sent_is_defanged_too(analyst_client):
    _partner, their_key = exchange_partner(routes_to="", name="Hotline GB")
    item = {"reference": "GB-0000043", "url": "http://abroad.example/c",
            "hosting": {"country": "NL", "network": "see https://evil.example/x"}}  # fmt: skip
    post_signed("/api/v1/exchange/forwards/", {"items": [item]}, api_key=their_key)
    page = analyst_client.get(f"/triage/record/{InboundForward.objects.get().record_id}/").content.decode()
    assert "evil[.]example" in page and "https://evil.example" not in page
