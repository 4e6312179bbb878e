"""On PostgreSQL the database writes the URL list (COPY): the same bytes as the Python writers, in one snapshot."""

import csv
import hashlib
import io
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from memberapi import exports, selectors, sequencing
from memberapi.models import Listing, ListPosition
from memberapi.sequencing import changes_sequence, list_position
from memberapi.streams import neutralise
from reports.models import UrlRecord
from takedown.models import Takedown
from takedown.signals import listing_changed
from testsupport.memberapi import ApiClient, body, key, member

pytestmark = pytest.mark.postgres
URLLIST = "/api/v1/urllist/"

# Printable values, as canonical URLs are (control characters are percent-escaped).
PRINTABLE = [
    '=HYPERLINK("http://x.example/")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "a;=b",
    "a,-b",
    "a;+b,c",
    "user@example.org",
    'say "hi", then leave',
    "back\\slash \\N",
    "ünïcødé ✓ \u2028",
    "http://ok.example/a,b;c?d=e&f=-g",
    "quote'd",
    "http://ok.example/\\.",
]
# And what no canonical URL holds, for the formats that must escape it anyway.
CONTROL = ["\tTAB", "\rCR", "x\n@y", "line\nbreak", "crlf\r\nx", "tab\tinside", "\x01ctl", "\\."]
CATEGORIES = [*sequencing.CATEGORIES.values(), sequencing.UNKNOWN_CATEGORY]
WHEN = datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)  # microseconds are cut, not rounded


def records(urls):
    made = UrlRecord.objects.bulk_create(
        UrlRecord(url=url, url_sha256=hashlib.sha256(url.encode()).hexdigest(), host="x.example") for url in urls
    )
    return made


def on_the_list(urls, *, start=1):
    """Listing rows as the sequencer writes them, for any URLs (even impossible ones); returns the last position."""
    rows = [
        Listing(
            record=record,
            url=record.url,
            url_sha256=record.url_sha256,
            category=CATEGORIES[n % len(CATEGORIES)],
            listed_at=WHEN,
            listed_position=start + n,
        )
        for n, record in enumerate(records(urls))
    ]
    Listing.objects.bulk_create(rows)
    last = start + len(rows) - 1
    ListPosition.objects.update_or_create(pk=1, defaults={"last": last})
    return last


def python_answer(*, hashed, fmt, after, cursor):
    if after is None:
        return b"".join(exports._full(selectors.listing_at(cursor), hashed=hashed, fmt=fmt, cursor=cursor))
    return b"".join(
        exports._changes(selectors.changes_between(after, cursor), hashed=hashed, fmt=fmt, after=after, cursor=cursor)
    )


def copied_answer(*, hashed, fmt, after, cursor):
    return b"".join(exports._copied(hashed=hashed, fmt=fmt, after=after, cursor=cursor))


@pytest.mark.django_db
@pytest.mark.parametrize("hashed", [False, True])
@pytest.mark.parametrize("since", [None, 3])
@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_copy_writes_the_same_bytes_as_the_python_writers_on_nasty_values(fmt, since, hashed):
    urls = PRINTABLE if fmt == "text" else PRINTABLE + CONTROL
    last = on_the_list(urls)
    # Some taken off again, so a list of changes has removals too.
    for n, row in enumerate(Listing.objects.order_by("listed_position")[:6]):
        row.removed_position, row.removed_at = last + 1 + n, WHEN
        row.save()
    cursor = last + 6
    ListPosition.objects.filter(pk=1).update(last=cursor)
    python = python_answer(hashed=hashed, fmt=fmt, after=since, cursor=cursor)
    assert copied_answer(hashed=hashed, fmt=fmt, after=since, cursor=cursor) == python
    assert len(python) > 100  # the comparison had rows in it


@pytest.mark.django_db
def test_the_sql_neutraliser_follows_the_python_rule_on_every_value():
    on_the_list(PRINTABLE + CONTROL)
    text = b"".join(exports._copied(hashed=False, fmt="csv", after=None, cursor=list_position())).decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == [neutralise(url) for url in PRINTABLE + CONTROL]
    assert sum(row[0] != url for row, url in zip(rows[1:], PRINTABLE + CONTROL, strict=True)) >= 10


def test_the_cells_the_sql_export_does_not_neutralise_never_need_it():
    ours = [*CATEGORIES, "added", "removed", hashlib.sha256(b"=1").hexdigest()]
    assert [neutralise(cell) for cell in ours] == ours
    assert sorted(exports._OURS) == ["category", "change", "sha256"]


@pytest.mark.django_db
def test_an_empty_list_is_still_a_whole_answer_in_every_format():
    ListPosition.objects.update_or_create(pk=1, defaults={"last": 0})
    for fmt in ("csv", "json", "text"):
        assert copied_answer(hashed=False, fmt=fmt, after=None, cursor=0) == python_answer(
            hashed=False, fmt=fmt, after=None, cursor=0
        )


@pytest.mark.django_db(transaction=True)
def test_a_list_changing_mid_download_gives_the_list_as_of_the_cursor():
    client = ApiClient(key(member())[1])
    last = on_the_list([f"http://mid.example/{n:05d}/a/rather/long/path/to/make/the/rows/wider" for n in range(5000)])
    response = client.get(URLLIST, {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["X-Cursor"] == str(last)
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert 0 < first.count(b"\n") < 4000  # the rest is still to come

    def meanwhile():  # other work commits a removal and an addition while the member downloads
        newcomer = records(["http://mid.example/newcomer"])[0]
        gone = Listing.objects.get(listed_position=5000).record_id
        for record_id, on in ((gone, False), (newcomer.pk, True)):
            with transaction.atomic():
                listing_changed.send(sender=Takedown, record_id=record_id, listed=on, at=timezone.now())
        numbered.append(changes_sequence())
        numbered.append(list_position())
        connections.close_all()

    numbered = []  # this thread's own connection: the download holds the test's until it ends
    thread = threading.Thread(target=meanwhile)
    thread.start()
    thread.join(30)
    assert numbered == [2, last + 2]
    text = (first + b"".join(pieces)).decode()
    response.close()
    urls = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert len(urls) == 5000
    assert urls == sorted(urls)  # in list order across the database's chunks
    assert urls[-1].startswith("http://mid.example/04999/") and "http://mid.example/newcomer" not in urls


@pytest.mark.django_db(transaction=True)
def test_a_download_abandoned_half_way_leaves_the_connection_clean():
    client = ApiClient(key(member())[1])
    on_the_list([f"http://gone.example/{n:05d}/a/rather/long/path/to/make/the/rows/wider" for n in range(5000)])
    response = client.get(URLLIST, {"format": "csv"})
    next(iter(response.streaming_content))
    response.close()  # the member's machine hung up: the WSGI server closes the answer
    raw = connection.connection
    assert raw is None or raw.info.transaction_status.name == "IDLE"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%%' AND state = 'active'")
        assert cursor.fetchone()[0] == 0
    assert len(body(client.get(URLLIST, {"format": "csv"})).splitlines()) == 5001
