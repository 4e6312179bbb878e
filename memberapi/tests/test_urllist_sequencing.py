"""List changes are numbered by the beat, in batches, never on a member's request."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from memberapi import sequencing
from memberapi.models import ListChange, Listing, ListPosition
from testsupport.memberapi import beat, body, listed
from testsupport.takedown import located_record

pytestmark = pytest.mark.django_db
URLLIST = "/api/v1/urllist/"
LIST_TABLES = ("memberapi_listchange", "memberapi_listing", "memberapi_listposition")


def changes(*flips):
    """ListChange rows as a listing transaction writes them: (record, listed) in order."""
    return [ListChange.objects.create(record=record, listed=on, at=timezone.now()) for record, on in flips]


def test_a_members_request_numbers_nothing_and_sees_only_numbered_changes(api, analyst, senior):
    first = listed("http://seq.example/first", analyst, senior)
    beat()
    listed("http://seq.example/second", analyst, senior)  # not yet numbered by the beat
    with CaptureQueriesContext(connection) as queries:
        for fmt in ("json", "csv", "text"):
            response = api.get(URLLIST, {"format": fmt})
            assert response.status_code == 200
            body(response)
        data = json.loads(body(api.get(URLLIST)))
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        and any(t in q["sql"] for t in LIST_TABLES)
    ]
    assert writes == []
    assert [e["url"] for e in data["entries"]] == [first.url]
    assert ListChange.objects.filter(position__isnull=True).count() == 1
    beat()
    assert len(json.loads(body(api.get(URLLIST)))["entries"]) == 2


def test_the_beat_numbers_changes_in_the_order_they_were_written():
    a, b, c = (located_record(f"http://seq.example/{n}", country="ZZ") for n in "abc")
    written = changes((a, True), (b, True), (c, True), (a, False))
    assert beat() == 4
    assert [ListChange.objects.get(pk=w.pk).position for w in written] == [1, 2, 3, 4]
    assert ListPosition.objects.get(pk=1).last == 4
    assert beat() == 0  # nothing pending: nothing done twice


def test_each_records_changes_in_one_batch_are_applied_as_one_after_another():
    on_off_on, off_on_off, twice_on, off_while_off = (
        located_record(f"http://seq.example/{n}", country="ZZ") for n in range(4)
    )
    changes((off_on_off, True))
    beat()
    changes(
        (on_off_on, True),
        (off_on_off, False),
        (twice_on, True),
        (on_off_on, False),
        (off_on_off, True),
        (twice_on, True),
        (off_while_off, False),
        (on_off_on, True),
        (off_on_off, False),
    )
    beat()
    stays = sorted(
        (row.record_id, row.listed_position, row.removed_position)
        for row in Listing.objects.filter(record__in=[on_off_on, off_on_off, twice_on, off_while_off])
    )
    assert stays == sorted(
        [
            (off_on_off.pk, 1, 3),
            (off_on_off.pk, 6, 10),
            (on_off_on.pk, 2, 5),
            (on_off_on.pk, 9, None),
            (twice_on.pk, 4, None),
        ]
    )
    assert Listing.objects.get(record=on_off_on, removed_position=5).removed_at is not None
    assert Listing.objects.get(record=twice_on).category == sequencing.UNKNOWN_CATEGORY  # never assessed


def test_a_lost_run_changes_nothing_and_the_next_run_catches_up(monkeypatch):
    records = [located_record(f"http://seq.example/{n}", country="ZZ") for n in range(5)]
    changes(*((r, True) for r in records))

    def killed(self, *args, **kwargs):
        raise RuntimeError("worker killed mid-run")

    with monkeypatch.context() as patch:
        patch.setattr(ListPosition, "save", killed)
        with pytest.raises(RuntimeError):
            sequencing.changes_sequence(batch=2)
    assert ListChange.objects.filter(position__isnull=True).count() == 5
    assert not Listing.objects.exists()

    assert sequencing.changes_sequence(batch=2) == 5  # several batches in one run
    assert sorted(ListChange.objects.values_list("position", flat=True)) == [1, 2, 3, 4, 5]
    assert Listing.objects.filter(removed_position__isnull=True).count() == 5


def test_a_run_out_of_time_stops_after_a_batch_and_the_next_run_goes_on():
    records = [located_record(f"http://seq.example/{n}", country="ZZ") for n in range(5)]
    changes(*((r, True) for r in records))
    assert [sequencing.changes_sequence(batch=2, seconds=0) for _ in range(4)] == [2, 2, 1, 0]
    assert ListPosition.objects.get(pk=1).last == 5


def test_the_beat_runs_the_sequencing_task_often_and_embedded_mode_can_run_it_too():
    from reportsite.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    name = "memberapi.tasks.sequence_list_changes"
    assert 0 < schedule[name].total_seconds() <= 60  # a timedelta: the embedded beat runs it as well
    app.loader.import_default_modules()  # what the embedded beat does before its first run
    assert name in app.tasks
