"""Staff search: one box finds a record by URL (any spelling), SHA-256, host or domain, number or reference."""

import pytest
from django.urls import reverse

from reports.addresses import canonicalize, url_sha256
from staff.models import AuditEvent
from testsupport.triage import assess, enriched_record, report_about
from triage import search

SEARCH = reverse("triage:search")


@pytest.fixture
def record(db):
    return enriched_record("https://img.example.org/gallery/1?b=2&a=1")


def _found(query: str, **kwargs) -> list[int]:
    return [r.pk for r in search.records_search(query=query, **kwargs).records]


def test_any_spelling_of_the_url_finds_it(record):
    for spelling in (
        "https://img.example.org/gallery/1?b=2&a=1",
        "  HTTPS://IMG.EXAMPLE.ORG/gallery/1?b=2&a=1  ",
        "hxxps://img[.]example[.]org/gallery/1?b=2&a=1",
        "https://img.example.org:443/gallery/./1?b=2&a=1#frag",
    ):
        assert _found(spelling) == [record.pk], spelling


def test_the_sha256_of_the_canonical_url_finds_it(record):
    digest = url_sha256(canonicalize("https://img.example.org/gallery/1?b=2&a=1"))
    assert _found(digest) == [record.pk]
    assert _found(digest.upper()) == [record.pk]


def test_a_host_or_its_registrable_domain_lists_its_records(record):
    other = enriched_record("https://cdn.example.org/x")
    elsewhere = enriched_record("https://example.net/x")
    assert _found("img.example.org") == [record.pk]
    assert set(_found("example.org")) == {record.pk, other.pk}
    assert elsewhere.pk not in _found("example.org")


def test_an_international_host_is_found_in_either_spelling(db):
    idn = enriched_record("https://bücher.example/x")
    assert idn.host == "xn--bcher-kva.example"
    assert _found("bücher.example") == [idn.pk]
    assert _found("XN--BCHER-KVA.example") == [idn.pk]


def test_the_record_number_and_a_report_reference_find_it(record):
    report = report_about(record)
    assert _found(str(record.pk)) == [record.pk]
    assert _found(f"#{record.pk}") == [record.pk]
    report.reference = "R-4K7Q-M2XD"
    report.save()
    assert _found("r-4k7q-m2xd") == [record.pk]
    assert _found("R4K7QM2XD") == [record.pk]


def test_decided_records_are_found_too(analyst, record):
    assess(analyst, record, "not_illegal")
    assert _found("img.example.org") == [record.pk]


def test_part_of_a_url_finds_nothing(record):
    assert _found("gallery") == []
    assert _found("https://img.example.org/gallery") == []


def test_host_matches_are_paged_by_record_number(db):
    rows = [enriched_record(f"https://many.example.com/{n}") for n in range(search.PAGE + 3)]
    first = search.records_search(query="many.example.com")
    assert [r.pk for r in first.records] == [r.pk for r in rows[::-1][: search.PAGE]]
    second = _found("many.example.com", before=first.next_before)
    assert second == [r.pk for r in rows[:3][::-1]]


def test_the_page_is_defanged_links_only_our_record_and_is_audited(analyst_client, record):
    html = analyst_client.get(SEARCH, {"q": "https://img.example.org/gallery/1?b=2&a=1"}).content.decode()
    assert reverse("triage:record", args=[record.pk]) in html
    assert "hxxps://img[.]example[.]org/gallery/1" in html
    assert 'href="https://img' not in html and "img.example.org" not in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCHED)
    assert "hxxps://img[.]example[.]org" in event.summary and event.details["found"] == [record.pk]


def test_rubbish_gets_a_clear_note_and_changes_nothing(analyst_client, db):
    html = analyst_client.get(SEARCH, {"q": "data:image/png;base64,AAAA"}).content.decode()
    assert "Nothing found." in html and "Not a record number, reference, hash or URL" in html


def test_the_box_is_in_the_top_bar(analyst_client, db):
    html = analyst_client.get(reverse("triage:queue")).content.decode()
    assert 'role="search"' in html and 'name="q"' in html


@pytest.mark.postgres
def test_every_kind_of_search_is_an_index_probe(record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report_about(record)
    digest = url_sha256(canonicalize("https://img.example.org/gallery/1?b=2&a=1"))
    for query in (str(record.pk), digest, "img.example.org", "https://img.example.org/gallery/1?b=2&a=1"):
        with CaptureQueriesContext(connection) as captured:
            search.records_search(query=query)
        for q in captured.captured_queries:
            assert "LIKE" not in q["sql"].upper(), q["sql"]
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("EXPLAIN " + q["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                cursor.execute("SET enable_seqscan = on")
            assert "Seq Scan on reports_urlrecord" not in plan, plan
