"""Addresses stored before the fix lose their credentials in a data migration (issue 15, item 5)."""

import importlib

import pytest
from django.apps import apps

from enrichment.models import LivenessCheck
from reports.models import Report, ReportedAddress, UrlRecord

reports_migration = importlib.import_module("reports.migrations.0005_as_typed_without_credentials")
enrichment_migration = importlib.import_module("enrichment.migrations.0003_liveness_urls_without_credentials")


@pytest.fixture
def record(db):
    return UrlRecord.objects.create(url="http://example.com/a", url_sha256="1" * 64, host="example.com")


def _link(record, as_typed, position):
    report = Report.objects.create(
        reference=f"R-MIG-{position}", receipt_hash="x" * 64, seen="images", found_on="website"
    )
    return ReportedAddress.objects.create(report=report, record=record, as_typed=as_typed, position=0)


def test_it_removes_credentials_from_addresses_stored_as_typed(record):
    leaky = _link(record, "http:/alice:p@hunter2@example.com/a", 1)
    invisible = _link(record, "\u200bhttp://alice:hunter2@example.com/a", 2)
    clean = _link(record, "http://example.com/a", 3)
    query = _link(record, "http://example.com/a?mail=a@b.example", 4)

    reports_migration.as_typed_without_credentials(apps, None)

    assert ReportedAddress.objects.get(pk=leaky.pk).as_typed == "http:/example.com/a"
    assert ReportedAddress.objects.get(pk=invisible.pk).as_typed == "\u200bhttp://example.com/a"
    assert ReportedAddress.objects.get(pk=clean.pk).as_typed == "http://example.com/a"
    assert ReportedAddress.objects.get(pk=query.pk).as_typed == "http://example.com/a?mail=a@b.example"


def test_it_removes_credentials_from_stored_liveness_checks(record):
    check = LivenessCheck.objects.create(
        record=record,
        outcome="ok",
        final_url="http://bob:hunter2@example.org/b",
        redirects=[{"url": "http://example.com/a", "status": 302, "location": "http://bob:hunter2@example.org/b"}],
    )

    enrichment_migration.liveness_urls_without_credentials(apps, None)

    check.refresh_from_db()
    assert check.final_url == "http://example.org/b"
    assert check.redirects == [{"url": "http://example.com/a", "status": 302, "location": "http://example.org/b"}]
