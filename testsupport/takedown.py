"""Building confirmed records, recipients and checks for the takedown tests."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from enrichment.liveness import LivenessResult
from enrichment.models import HostAddress, LivenessCheck
from enrichment.services import liveness_save
from reports.models import UrlRecord
from takedown import lifecycle
from takedown.models import Notice, NoticeBatch, Recipient, Takedown
from testsupport.triage import assess, enriched_record
from triage.services.assessments import assessment_confirm


def recipient(kind: str, name: str, **fields) -> Recipient:
    fields.setdefault("email", f"{name.lower().replace(' ', '-')}@example.net")
    return Recipient.objects.create(kind=kind, name=name, **fields)


def host(name: str = "Example Hosting", **fields) -> Recipient:
    return recipient(Recipient.Kind.HOSTING_PROVIDER, name, **fields)


def partner(name: str = "Partner Hotline", countries: str = "NL", **fields) -> Recipient:
    return recipient(Recipient.Kind.PARTNER_HOTLINE, name, countries=countries, **fields)


def police(name: str = "Police", countries: str = "", **fields) -> Recipient:
    return recipient(Recipient.Kind.LAW_ENFORCEMENT, name, countries=countries, **fields)


def located_record(
    url: str, *, country: str = "GB", network: str = "EXAMPLE-NET", ips: tuple[str, ...] = ("192.0.2.10",), asn=64500
) -> UrlRecord:
    """An enriched record hosted at `ips`, as enrichment leaves it."""
    record = enriched_record(url, country_code=country, network_name=network)
    for ip in ips:
        HostAddress.objects.create(
            record=record, ip=ip, country_code=country, asn=asn, network_name=network, geo_source="test"
        )
    return record


def confirm(record: UrlRecord, analyst, senior) -> Takedown:
    """Assess criminal and confirm by a second senior analyst, as the pages do; returns the takedown."""
    assessment = assess(analyst, record, "criminal_a")
    assessment_confirm(assessment=assessment, confirmer=senior)
    return Takedown.objects.get(pk=record.pk)


def deliver(takedown: Takedown, *, at: datetime | None = None) -> NoticeBatch:
    """Pretend the takedown's waiting notices went out in one batch (the notices package does this for real)."""
    at = at or timezone.now()
    notices = Notice.objects.filter(takedown=takedown, batch__isnull=True)
    first = notices.first()
    batch = NoticeBatch.objects.create(recipient=first.recipient, channel="email", state="sent", sent_at=at, attempts=1)
    notices.update(batch=batch)
    lifecycle.notices_sent(batch=batch, at=at)
    return batch


def check(
    record: UrlRecord,
    *,
    outcome: str = "ok",
    status: int | None = 200,
    error_kind: str | None = None,
    final_url: str | None = None,
    redirects: tuple = (),
    at: datetime | None = None,
) -> LivenessCheck:
    """Store a liveness check as a real re-check would."""
    result = LivenessResult(
        url=record.url,
        outcome=outcome,
        status=status if outcome == "ok" else None,
        final_url=final_url or record.url,
        redirects=redirects,
        error="test" if outcome == "error" else None,
        error_kind=error_kind,
        checked_at=at or timezone.now(),
    )
    return liveness_save(record_id=record.pk, result=result)


def takedown_of(record: UrlRecord) -> Takedown:
    return Takedown.objects.get(pk=record.pk)
