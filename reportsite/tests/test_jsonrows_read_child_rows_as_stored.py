"""A child list read as JSON inside its parent's query comes back exactly as a query of its own reads it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import OuterRef

from enrichment.models import HostAddress, LivenessCheck
from reports.models import UrlRecord
from reportsite.jsonrows import JSONRows, rows_from_json
from testsupport.triage import enriched_record

pytestmark = pytest.mark.django_db


def _as_stored(rows) -> list[dict]:
    return [{f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields} for row in rows]


def test_every_kind_of_field_comes_back_as_a_query_reads_it():
    record = enriched_record("https://img.example.org/json/1")
    HostAddress.objects.create(record=record, ip="2001:db8::1", country_code="DE", country_name="Germany", asn=64500,
                               network_name="Net ∑ \"quoted\"", geo_source="maxmind", approximate=False,
                               geo_data_date="2026-11-01")  # fmt: skip
    HostAddress.objects.create(record=record, ip="198.51.100.7", asn=None, geo_source="none")
    at = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
    LivenessCheck.objects.create(record=record, checked_at=at, outcome="ok", method="HEAD", status_code=200,
                                 content_type="image/jpeg", content_length=2**40, server="nginx",
                                 final_url="https://img.example.org/json/2", connected_ip="198.51.100.7",
                                 redirects=[{"status": 301, "url": "https://a.example/", "location": "/b"}],
                                 detail="line one\nline two")  # fmt: skip
    LivenessCheck.objects.create(record=record, checked_at=at - timedelta(days=1), outcome="error", redirects=[])
    read = UrlRecord.objects.annotate(
        hosts=JSONRows(HostAddress.objects.filter(record=OuterRef("pk")).order_by("pk")),
        checks=JSONRows(LivenessCheck.objects.filter(record=OuterRef("pk")).order_by("-checked_at")[:1]),
    ).get(pk=record.pk)
    assert _as_stored(rows_from_json(HostAddress, read.hosts)) == _as_stored(HostAddress.objects.order_by("pk"))
    assert _as_stored(rows_from_json(LivenessCheck, read.checks)) == _as_stored(
        LivenessCheck.objects.order_by("-checked_at")[:1]
    )


def test_no_rows_is_an_empty_list():
    record = enriched_record("https://img.example.org/json/empty")
    read = UrlRecord.objects.annotate(hosts=JSONRows(HostAddress.objects.filter(record=OuterRef("pk")))).get(
        pk=record.pk
    )
    assert rows_from_json(HostAddress, read.hosts) == []
