"""?since=<cursor>: what was added and removed after a cursor, never skipping or repeating a change."""

import json

import pytest
from django.db import transaction

from memberapi.models import ListChange, Listing
from memberapi.sequencing import changes_sequence, urllist_sync
from takedown.models import Takedown
from takedown.signals import listing_changed
from testsupport.memberapi import beat, body, listed, unlisted

pytestmark = pytest.mark.django_db
URLLIST = "/api/v1/urllist/"


def read(api, since=None, path=URLLIST, **params):
    beat()  # the beat has run since the changes were made
    if since is not None:
        params["since"] = since
    response = api.get(path, params)
    assert response.status_code == 200, body(response)
    return json.loads(body(response))


def changes(data):
    return [(c["change"], c["url"]) for c in data["changes"]]


def test_a_full_download_then_only_what_changed(api, analyst, senior):
    a = listed("http://cursor.example/a", analyst, senior)
    full = read(api)
    assert [e["url"] for e in full["entries"]] == [a.url]

    b = listed("http://cursor.example/b", analyst, senior)
    unlisted(a, analyst)
    step = read(api, full["cursor"])
    assert step["since"] == full["cursor"]
    assert changes(step) == [("added", b.url), ("removed", a.url)]
    assert step["changes"][1]["category"] == "A"

    assert read(api, step["cursor"])["changes"] == []  # nothing new: nothing repeated
    assert read(api, step["cursor"])["cursor"] == step["cursor"]


def test_removed_and_listed_again_in_one_window_comes_in_order(api, analyst, senior):
    a = listed("http://cursor.example/a", analyst, senior)
    cursor = read(api)["cursor"]
    with transaction.atomic():  # a takedown re-opened after removal sends these two in turn
        unlisted(a, analyst)
        listing_changed.send(sender=Takedown, record_id=a.pk, listed=True, at=a.first_reported_at)
    data = read(api, cursor)
    assert changes(data) == [("removed", a.url), ("added", a.url)]
    assert [e["url"] for e in read(api)["entries"]] == [a.url]


def test_replaying_every_change_from_zero_gives_the_list(api, analyst, senior):
    records = [listed(f"http://replay.example/{n}", analyst, senior) for n in range(6)]
    held: set[str] = set()
    cursor = "0"
    for n, record in enumerate(records):
        if n % 2:
            unlisted(record, analyst)
        if n % 3 == 0:
            data = read(api, cursor)
            for change in data["changes"]:
                (held.add if change["change"] == "added" else held.remove)(change["url"])
            cursor = data["cursor"]
    data = read(api, cursor)
    for change in data["changes"]:
        (held.add if change["change"] == "added" else held.remove)(change["url"])
    assert held == {e["url"] for e in read(api)["entries"]} == {r.url for r in records[0::2]}


def test_the_hashed_list_has_the_same_cursor_without_urls(api, analyst, senior):
    a = listed("http://cursor.example/a", analyst, senior)
    data = read(api, "0", path=URLLIST + "hashed/")
    assert data["changes"] == [
        {"change": "added", "sha256": a.url_sha256, "category": "A", "at": data["changes"][0]["at"]}
    ]


def test_text_and_csv_changes_carry_the_cursor_in_a_header(api, analyst, senior):
    a = listed("http://cursor.example/a", analyst, senior)
    unlisted(a, analyst)
    beat()
    response = api.get(URLLIST, {"since": "0", "format": "text"})
    assert body(response).decode() == f"+ {a.url}\n- {a.url}\n"
    assert response["X-Cursor"] == read(api)["cursor"]
    csv_text = body(api.get(URLLIST, {"since": "0", "format": "csv"})).decode()
    assert csv_text.splitlines()[0] == "change,url,sha256,category,at"


@pytest.mark.parametrize("cursor", ["-1", "abc", "1.5", "99999", " 1", "01", "1" * 30])
def test_a_cursor_this_server_never_gave_is_refused(api, analyst, senior, cursor):
    listed("http://cursor.example/a", analyst, senior)
    beat()
    response = api.get(URLLIST, {"since": cursor})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_a_change_committed_late_gets_a_later_position_than_one_already_read(api, analyst, senior):
    """On one connection: a change written with a lower id is numbered when it is seen, not by its id."""
    a = listed("http://cursor.example/a", analyst, senior)
    b = listed("http://cursor.example/b", analyst, senior)
    first = ListChange.objects.order_by("id").first()
    # Pretend b's change committed first and a's was still in flight when a member read.
    ListChange.objects.filter(pk=first.pk).delete()
    changes_sequence()
    seen = read(api, "0")
    assert changes(seen) == [("added", b.url)]
    ListChange.objects.create(pk=first.pk, record=a, listed=True, at=first.at)  # a commits late
    later = read(api, seen["cursor"])
    assert changes(later) == [("added", a.url)]


def test_sync_adds_confirmed_records_that_have_no_listing(api, analyst, senior):
    a = listed("http://sync.example/a", analyst, senior)
    b = listed("http://sync.example/b", analyst, senior)
    unlisted(b, analyst)
    changes_sequence()
    ListChange.objects.all().delete()  # as if memberapi were installed after these happened
    Listing.objects.all().delete()
    assert urllist_sync() == {"added": 1, "removed": 0}
    assert [e["url"] for e in read(api)["entries"]] == [a.url]
    assert urllist_sync() == {"added": 0, "removed": 0}


def test_the_sync_command_says_what_it_did(api, analyst, senior):
    from io import StringIO

    from django.core.management import call_command

    listed("http://sync.example/a", analyst, senior)
    ListChange.objects.all().delete()
    out = StringIO()
    call_command("urllist_sync", stdout=out)
    assert out.getvalue().strip() == "1 added to the URL list, 0 taken off"
