"""The queue pages by cursor: Next starts after the last row shown, Previous ends before the first, no row twice."""

from django.urls import reverse

from testsupport.triage import enriched_record
from triage import selectors

QUEUE = reverse("triage:queue")


def _ids(page) -> list[int]:
    return [row.pk for row in page.rows]


def test_next_and_previous_walk_the_whole_queue_once(db):
    records = [enriched_record(f"http://example.com/{n}", report_count=1 + n % 4) for n in range(23)]
    everything = list(selectors.queue().values_list("pk", flat=True))
    assert sorted(everything) == sorted(r.pk for r in records)
    pages, page = [], selectors.queue_page(size=5)
    assert page.previous_cursor is None
    while True:
        pages.append(_ids(page))
        if page.next_cursor is None:
            break
        page = selectors.queue_page(size=5, after=page.next_cursor)
    assert [pk for p in pages for pk in p] == everything
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    # And back again from the last page.
    back = selectors.queue_page(size=5, before=page.previous_cursor)
    assert _ids(back) == pages[-2]
    first = selectors.queue_page(
        size=5, before=selectors.queue_page(size=5, after=selectors.queue_page(size=5).next_cursor).previous_cursor
    )
    assert _ids(first) == pages[0] and first.previous_cursor is None


def test_a_row_decided_meanwhile_shifts_nothing_else(analyst, db):
    from testsupport.triage import assess

    for n in range(10):
        enriched_record(f"http://example.com/{n}")
    first = selectors.queue_page(size=4)
    second_before = _ids(selectors.queue_page(size=4, after=first.next_cursor))
    assess(analyst, first.rows[0].record, "not_illegal")  # a row of the page already seen goes
    assert _ids(selectors.queue_page(size=4, after=first.next_cursor)) == second_before


def test_the_page_links_carry_the_cursor_and_keep_the_filters(analyst_client, db, monkeypatch):
    from triage.views import queue as queue_view

    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    for n in range(5):
        enriched_record(f"http://example.com/{n}", country_code="NL")
    html = analyst_client.get(QUEUE, {"country": "NL"}).content.decode()
    assert 'rel="next"' in html and "country=NL&amp;after=" in html and "page=" not in html
    cursor = html.split("after=")[1].split('"')[0]
    second = analyst_client.get(QUEUE, {"country": "NL", "after": cursor}).content.decode()
    assert 'rel="prev"' in second and "before=" in second


def test_a_tampered_cursor_shows_the_first_page(analyst_client, db):
    enriched_record("http://example.com/1")
    for bad in ("x", "1", "1.2.3", "-.5", "9" * 50 + ".1", "1e9.2"):
        assert selectors.QueueCursor.parse(bad) is None, bad
        assert analyst_client.get(QUEUE, {"after": bad}).status_code == 200
