"""Each listing's and removal's date added strictly increases with its list position, also when
many changes are numbered in one pass and when the clock goes back; a relisted address is a new
indicator, because a revoked one can never come back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from feeds.selectors import versions_after
from feeds.stix import indicator_id
from feeds.tests.helpers import listed, unlisted
from memberapi.models import ListChange, Listing
from memberapi.sequencing import changes_sequence
from testsupport.takedown import located_record

pytestmark = pytest.mark.django_db


def dates_in_position_order() -> list:
    events = []
    for row in Listing.objects.all():
        events.append((row.listed_position, row.listed_added_at))
        if row.removed_position is not None:
            events.append((row.removed_position, row.removed_added_at))
    return [added for _position, added in sorted(events)]


def test_one_pass_gives_every_change_its_own_later_date():
    records = [located_record(f"http://batch{n}.example/a", country="ZZ") for n in range(5)]
    at = timezone.now()
    for record in records:
        ListChange.objects.create(record=record, listed=True, at=at)
    ListChange.objects.create(record=records[0], listed=False, at=at)
    changes_sequence()
    dates = dates_in_position_order()
    assert len(dates) == 6
    assert all(earlier < later for earlier, later in zip(dates, dates[1:], strict=False))


def test_a_clock_that_goes_back_does_not_reorder_them():
    first = located_record("http://first.example/a", country="ZZ")
    ListChange.objects.create(record=first, listed=True, at=timezone.now())
    changes_sequence()
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        second = located_record("http://second.example/a", country="ZZ")
        ListChange.objects.create(record=second, listed=True, at=timezone.now())
        changes_sequence()
    earlier, later = dates_in_position_order()
    assert earlier < later


def test_a_relisted_address_is_a_new_indicator(analyst, senior):
    record = listed("http://again.example/a", analyst, senior)
    unlisted(record, analyst)
    ListChange.objects.create(record=record, listed=True, at=timezone.now())  # it came back
    changes_sequence()
    stays = list(Listing.objects.filter(record=record).order_by("listed_position"))
    assert len(stays) == 2
    latest = {v.listing_id: v.revoked for v in versions_after(after=None, limit=10)}
    assert latest == {stays[0].pk: True, stays[1].pk: False}
    assert indicator_id(stays[0].pk) != indicator_id(stays[1].pk)
