"""The takedown lists: filters by country, route and overdue, and pages by cursor (no OFFSET, no COUNT)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from takedown import selectors
from takedown.models import Takedown
from testsupport.triage import enriched_record

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("takedown:overview")


def _takedown(n: int, *, country="NL", route="partner", status="forwarded_partner", noticed_days=0.0, **fields):
    record = enriched_record(f"http://site{n}.example.com/x", country_code=country)
    now = timezone.now()
    return Takedown.objects.create(
        record=record,
        route=route,
        reason="test",
        country_code=country,
        status=status,
        routed_at=now - timedelta(hours=100 - n),
        first_notice_at=now - timedelta(days=noticed_days) if noticed_days else None,
        **fields,
    )


def _ids(page) -> list[int]:
    return [t.pk for t in page.rows]


def test_next_walks_every_open_takedown_once_in_routing_order(db):
    made = [_takedown(n) for n in range(12)]
    seen, page = [], selectors.overview_page("open", size=5)
    while True:
        seen += _ids(page)
        if not page.next_cursor:
            break
        page = selectors.overview_page("open", after=page.next_cursor, size=5)
    assert seen == [t.pk for t in made]


def test_the_closed_tab_pages_most_recently_gone_first(db):
    now = timezone.now()
    made = [
        _takedown(
            n, status="content_removed", closed_at=now - timedelta(hours=n), removal_after_report=timedelta(hours=1)
        )
        for n in range(7)
    ]
    first = selectors.overview_page("closed", size=4)
    second = selectors.overview_page("closed", after=first.next_cursor, size=4)
    assert _ids(first) + _ids(second) == [t.pk for t in made]
    assert second.next_cursor is None


def test_filters_by_country_route_and_overdue(db):
    nl = _takedown(1, country="NL")
    us = _takedown(2, country="US", route="law_enforcement", status="forwarded_law_enforcement")
    late = _takedown(3, country="NL", noticed_days=10)
    assert _ids(selectors.overview_page("open", selectors.ListFilters(country="us"))) == [us.pk]
    assert _ids(selectors.overview_page("open", selectors.ListFilters(route="law_enforcement"))) == [us.pk]
    assert _ids(selectors.overview_page("open", selectors.ListFilters(overdue=True))) == [late.pk]
    assert set(_ids(selectors.overview_page("open", selectors.ListFilters(country="NL")))) == {nl.pk, late.pk}


def test_the_page_keeps_filters_in_its_links_and_refuses_bad_ones_clearly(analyst_client, db, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE", 1)
    _takedown(1)
    _takedown(2)
    html = analyst_client.get(OVERVIEW, {"view": "open", "country": "NL"}).content.decode()
    assert "country=NL" in html and "after=" in html and 'rel="next"' in html
    bad = analyst_client.get(OVERVIEW, {"country": "Netherlands"})
    assert bad.status_code == 200 and "Two letters" in bad.content.decode()
    assert analyst_client.get(OVERVIEW, {"after": "rubbish"}).status_code == 200
