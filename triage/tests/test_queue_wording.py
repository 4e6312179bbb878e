"""The queue says a fresh record's age and an unknown country in words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from testsupport.triage import enriched_record

pytestmark = pytest.mark.django_db


def row_of(page: str, host: str) -> str:
    row = page[page.index(host.replace(".", "[.]")) :]
    return row[: row.index("</tr>")]


def test_a_record_reported_seconds_ago_is_just_now_with_its_country_unknown(analyst_client):
    enriched_record("http://fresh.example/a", country_code="", first_reported_at=timezone.now())
    row = row_of(analyst_client.get(reverse("triage:queue")).content.decode(), "fresh.example")
    assert "just now" in row and "0 minutes" not in row
    assert "country unknown" in row and "country ?" not in row


def test_an_older_record_says_how_long_ago_in_one_unit(analyst_client):
    at = timezone.now() - timedelta(days=3, hours=5)
    enriched_record("http://older.example/a", country_code="NL", first_reported_at=at)
    row = row_of(analyst_client.get(reverse("triage:queue")).content.decode(), "older.example")
    assert "3 days ago" in row and "NL" in row
