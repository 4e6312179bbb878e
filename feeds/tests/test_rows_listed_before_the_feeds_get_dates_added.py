"""Migration memberapi 0002 gives rows sequenced before it dates added that strictly increase with
their positions, from the takedown times, even where those are out of order."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from memberapi.models import Listing, ListPosition
from testsupport.takedown import located_record

pytestmark = pytest.mark.django_db
fill = importlib.import_module("memberapi.migrations.0002_listing_feed_fields").added_dates_fill


def test_the_backfill_orders_dates_by_position():
    now = timezone.now()
    a, b, c = (located_record(f"http://old{n}.example/a", country="ZZ") for n in range(3))

    def row(record, position, at, **removed):
        return Listing.objects.create(record=record, url=record.url, url_sha256=record.url_sha256, category="A",
                                      listed_at=at, listed_position=position, **removed)  # fmt: skip

    row(a, 1, now, removed_position=4, removed_at=now - timedelta(hours=3))  # decided before b, c: out of order
    row(b, 2, now - timedelta(hours=1))
    row(c, 3, now + timedelta(hours=1))
    ListPosition.objects.update_or_create(pk=1, defaults={"last": 4})
    fill(apps, None)
    first, second, third = Listing.objects.order_by("listed_position")
    assert first.listed_added_at < second.listed_added_at < third.listed_added_at < first.removed_added_at
    assert first.listed_added_at == now and third.listed_added_at == now + timedelta(hours=1)
    assert ListPosition.objects.get(pk=1).last_added_at == first.removed_added_at
