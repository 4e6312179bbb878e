"""The 'To confirm' tab and the home page count what awaits this senior's confirmation (not their own)."""

import pytest
from django.urls import reverse

from testsupport.triage import assess, enriched_record

pytestmark = pytest.mark.django_db


def awaiting(user, url: str) -> None:
    assess(user, enriched_record(url), "criminal_a")


def test_the_tab_counts_others_assessments_awaiting_confirmation(senior, senior2, senior_client):
    awaiting(senior2, "http://one.example/a")
    awaiting(senior2, "http://two.example/a")
    awaiting(senior, "http://mine.example/a")  # their own: someone else must confirm it
    page = senior_client.get(reverse("triage:queue")).content.decode()
    tab = page[page.index('href="/triage/confirm/"') :]
    tab = tab[: tab.index("</a>")]
    assert '<span class="badge text-bg-light">2<' in tab
    home = senior_client.get(reverse("staff:home")).content.decode()
    assert "2 criminal assessments by others await a second pair of eyes" in home


def test_an_empty_tab_shows_zero(senior_client):
    page = senior_client.get(reverse("triage:queue")).content.decode()
    tab = page[page.index('href="/triage/confirm/"') :]
    assert '<span class="badge text-bg-light">0<' in tab[: tab.index("</a>")]


def _tab_on(page: str) -> str:
    tab = page[page.index('href="/triage/confirm/"') :]
    return tab[: tab.index("</a>")]


def test_the_record_page_counts_in_its_own_first_query_and_counts_the_same(senior, senior2, senior_client):
    awaiting(senior2, "http://one.example/a")
    awaiting(senior2, "http://two.example/a")
    awaiting(senior, "http://mine.example/a")
    record = enriched_record("http://other.example/a")
    page = senior_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert '<span class="badge text-bg-light">2<' in _tab_on(page)
    awaiting(senior2, "http://three.example/a")  # fresh on the next view: no cache
    page = senior_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert '<span class="badge text-bg-light">3<' in _tab_on(page)


def test_the_record_page_shows_zero_when_nothing_waits(senior_client):
    record = enriched_record("http://other.example/a")
    page = senior_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert '<span class="badge text-bg-light">0<' in _tab_on(page)
