"""Reporters' contact details go 30 days after their report is closed, descriptions after 365, not before."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from reports.models import Report
from staff.models import AuditEvent
from takedown.retention import retention_apply
from testsupport.takedown import check, confirm, deliver, host, located_record
from testsupport.triage import assess, enriched_record, report_about

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.HOME_COUNTRY = "GB"
    settings.RETENTION_CONTACT_DAYS = 30
    settings.RETENTION_DESCRIPTION_DAYS = 365
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _report(*records):
    report = report_about(*records, description="It was on page 3 of the forum")
    Report.objects.filter(pk=report.pk).update(contact_email="reporter@example.org")
    return Report.objects.get(pk=report.pk)


def test_a_report_closes_only_when_every_address_is_dealt_with(analyst, senior, _clock):
    host("Example Hosting", cidrs="192.0.2.0/24")
    not_illegal = enriched_record("http://fine.example/a")
    criminal = located_record("http://bad.example/a", country="GB")
    report = _report(not_illegal, criminal)
    assess(analyst, not_illegal, "not_illegal")
    deliver(confirm(criminal, analyst, senior))
    assert retention_apply()["closed"] == 0  # the criminal address is still up
    check(criminal, status=404)
    check(criminal, status=404)
    assert retention_apply()["closed"] == 1
    report.refresh_from_db()
    assert report.closed_at == START
    assert AuditEvent.objects.filter(action="report_closed", target_id=str(report.pk)).count() == 1
    assert retention_apply()["closed"] == 0  # once


def test_a_report_still_being_assessed_stays_open(analyst):
    report = _report(enriched_record("http://waiting.example/a"))
    retention_apply()
    report.refresh_from_db()
    assert report.closed_at is None


def test_contact_email_goes_after_30_days_and_description_after_365(analyst, _clock):
    record = enriched_record("http://purge.example/a")
    report = _report(record)
    assess(analyst, record, "not_illegal")
    retention_apply()

    _clock.move_to(START + timedelta(days=29, hours=23))
    retention_apply()
    report.refresh_from_db()
    assert report.contact_email == "reporter@example.org"

    _clock.move_to(START + timedelta(days=30))
    assert retention_apply()["contacts_deleted"] == 1
    report.refresh_from_db()
    assert report.contact_email == ""
    assert report.description == "It was on page 3 of the forum"

    _clock.move_to(START + timedelta(days=364, hours=23))
    assert retention_apply()["descriptions_deleted"] == 0
    _clock.move_to(START + timedelta(days=365))
    assert retention_apply()["descriptions_deleted"] == 1
    report.refresh_from_db()
    assert report.description == ""
    purged = AuditEvent.objects.filter(action="report_purged", target_id=str(report.pk))
    assert sorted(e.details["field"] for e in purged) == ["contact_email", "description"]
    # The audit trail names the report, never what was deleted.
    assert not any("reporter@example.org" in e.summary or "forum" in e.summary for e in purged)


def test_a_comeback_reopens_the_report_and_stops_its_clock(analyst, senior, _clock):
    host("Example Hosting", cidrs="192.0.2.0/24")
    record = located_record("http://back.example/a", country="GB")
    report = _report(record)
    deliver(confirm(record, analyst, senior))
    check(record, status=404)
    check(record, status=404)
    retention_apply()
    _clock.move_to(START + timedelta(days=10))
    check(record, status=200)
    report.refresh_from_db()
    assert report.closed_at is None
    assert AuditEvent.objects.filter(action="report_reopened", target_id=str(report.pk)).count() == 1
    _clock.move_to(START + timedelta(days=40))
    retention_apply()
    report.refresh_from_db()
    assert report.contact_email == "reporter@example.org"
