"""Small helpers shared by the triage tests."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from enrichment.hosting import registrable_domain
from reports.addresses import canonicalize, url_sha256
from reports.models import Report, ReportedAddress, UrlRecord
from triage.models import TriageState
from triage.services import claims
from triage.services.assessments import View, record_assess
from triage.services.states import states_create

CRIMINAL_A = {
    "outcome": "criminal_a",
    "age_group": "7-10",
    "sex": "girls",
    "site_type": "image_host",
    "commercial": "no",
}
_references = iter(range(1, 10**8))


def enriched_record(url: str, *, enrichment_state: str = "enriched", **fields) -> UrlRecord:
    """A record as enrichment leaves it; the triage row appears as it would in production."""
    canonical = canonicalize(url)
    host = urlsplit(canonical).hostname or ""
    fields.setdefault("registrable_domain", registrable_domain(host) or "")
    fields.setdefault("country_code", "NL")
    fields.setdefault("enriched_at", timezone.now())
    record = UrlRecord.objects.create(
        url=canonical, url_sha256=url_sha256(canonical), host=host, enrichment_state=enrichment_state, **fields
    )
    if enrichment_state in (UrlRecord.Enrichment.ENRICHED, UrlRecord.Enrichment.FAILED):
        # What enrichment's record_enrichment_finished signal does in production.
        states_create([record.pk])
    return record


def report_about(
    *records: UrlRecord, description: str = "", found_on: str = "website", received_at: datetime | None = None
) -> Report:
    """A report naming these records (made directly: no enrichment is queued)."""
    report = Report.objects.create(
        reference=f"R-TEST-{next(_references):04d}",
        receipt_hash="x" * 64,
        seen="images",
        found_on=found_on,
        description=description,
        received_at=received_at or timezone.now(),
    )
    for position, record in enumerate(records):
        ReportedAddress.objects.create(report=report, record=record, as_typed=record.url, position=position)
    return report


def state_of(record: UrlRecord) -> TriageState:
    return TriageState.objects.get(pk=record.pk)


def claim(user, record: UrlRecord) -> None:
    assert claims.record_claim(record_id=record.pk, user=user)


def assess(user, record: UrlRecord, outcome: str = "not_illegal", **details):
    """Claim the record and assess it, as the record page would."""
    claim(user, record)
    if outcome.startswith("criminal_") and not details:
        details = {"age_group": "7-10", "sex": "girls", "site_type": "image_host", "commercial": False}
    return record_assess(record=record, analyst=user, view=View(outcome=outcome, **details))


def post(client, path: str, data: dict | None = None, **extra):
    """POST as a browser sends a plain form: urlencoded (the site refuses multipart bodies)."""
    from urllib.parse import urlencode

    return client.post(
        path, urlencode(data or {}, doseq=True), content_type="application/x-www-form-urlencoded", **extra
    )
