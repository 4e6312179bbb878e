"""Enriching one address record: where it is hosted and whether it answers.

The slow part (DNS, geolocation, the liveness check) runs outside any
transaction; the results are written in one short transaction, and only if
the record still needs them. Two workers on one record, or one task delivered
twice, therefore leave exactly one set of results.
"""

from __future__ import annotations

import ipaddress
import logging
import random
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Literal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from enrichment import hosting, liveness, netguard, pipeline
from enrichment.models import HostAddress, LivenessCheck
from enrichment.signals import liveness_checked, record_enrichment_finished
from reports.addresses import without_credentials
from reports.models import UrlRecord

logger = logging.getLogger(__name__)
State = UrlRecord.Enrichment

# Failures of the network around us, worth another try later.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    hosting.LookupFailed,
    ConnectionError,
    TimeoutError,
    SoftTimeLimitExceeded,
)


@dataclass(frozen=True)
class EnrichOutcome:
    result: Literal["enriched", "skipped", "retry", "failed"]
    retry_in: float = 0.0


def retry_delay(attempt: int) -> float:
    """Exponential backoff with full jitter: 0-10 s, 0-20 s, 0-40 s … capped at 10 minutes."""
    return random.uniform(0, min(600.0, 10.0 * 2 ** (attempt - 1)))


def answering(result: liveness.LivenessResult) -> bool | None:
    """Online means an HTTP answer below 400 after redirects; a blocked check tells us nothing."""
    if result.outcome == "blocked":
        return None
    return result.outcome == "ok" and result.status is not None and result.status < 400


def _save_check(record: UrlRecord, result: liveness.LivenessResult) -> LivenessCheck:
    return LivenessCheck.objects.create(
        record=record,
        checked_at=result.checked_at or timezone.now(),
        outcome=result.outcome,
        method=result.method or "",
        status_code=result.status,
        content_type=(result.content_type or "")[:255],
        content_length=result.content_length,
        server=(result.server or "")[:255],
        final_url=without_credentials(result.final_url or ""),
        connected_ip=result.connected_ip,
        elapsed_ms=result.elapsed_ms,
        # A server's Location can carry userinfo too; it is no more kept than a reporter's.
        redirects=[
            {**asdict(hop), "url": without_credentials(hop.url), "location": without_credentials(hop.location)}
            for hop in result.redirects
        ],
        bytes_read=result.bytes_read,
        detail=result.blocked_reason or result.error or "",
        error_kind=result.error_kind or "",
    )


def liveness_apply(record: UrlRecord, result: liveness.LivenessResult) -> LivenessCheck:
    """Record a check and keep the record's summary in step with it."""
    check = _save_check(record, result)
    if record.last_checked_at and check.checked_at < record.last_checked_at:
        return check  # A check that started later has already set the summary; keep it.
    record.online = answering(result)
    record.last_checked_at = check.checked_at
    if record.track_liveness:
        record.next_check_at = check.checked_at + check_interval(record)
    record.save(update_fields=["online", "last_checked_at", "next_check_at"])
    liveness_checked.send(sender=UrlRecord, record=record, check=check)
    return check


def check_interval(record: UrlRecord) -> timedelta:
    """How often a tracked record is re-checked: its own interval, or the default."""
    return record.check_interval or settings.LIVENESS_DEFAULT_INTERVAL


def liveness_save(
    *, record_id: int, result: liveness.LivenessResult, tracked_only: bool = False
) -> LivenessCheck | None:
    """Store a check made outside any transaction; None if the record has gone meanwhile.

    The row lock serialises two checks of the same record, so liveness_apply
    sees the summary the other one wrote. With tracked_only, a record
    untracked while it was being checked is left alone.
    """
    with transaction.atomic():
        records = UrlRecord.objects.select_for_update().filter(pk=record_id)
        if tracked_only:
            records = records.filter(track_liveness=True)
        record = records.first()
        if record is None:
            return None
        return liveness_apply(record, result)


def _resolver_knowing(host: str, ips: list[str]) -> netguard.Resolver:
    """The liveness check's resolver, answering `host` with what we already looked up.

    One DNS answer serves both the hosting record and the check, so they can
    never disagree about which address was examined.
    """

    def resolve(name: str) -> list[netguard.IPAddress]:
        if name.rstrip(".").lower() != host:
            return netguard.resolve(name)
        if not ips:
            raise netguard.DnsError(f"no DNS answer for {host}")
        return [ipaddress.ip_address(ip) for ip in ips]

    return resolve


def record_enrich(*, record_id: int) -> EnrichOutcome:
    record = pipeline.record_claim(record_id)
    if record is None:
        return EnrichOutcome("skipped")
    try:
        domain = hosting.registrable_domain(record.host) or ""
        ips = hosting.resolve_addresses(record.host)
        places = {ip: hosting.locate(ip) for ip in ips}
        result = liveness.check_url(record.url, resolver=_resolver_knowing(record.host, ips))
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
        if record.enrichment_attempts >= settings.ENRICH_MAX_ATTEMPTS:
            pipeline.record_fail(record, error=error)
            return EnrichOutcome("failed")
        pipeline.record_note_error(record, error=error)
        return EnrichOutcome("retry", retry_delay(record.enrichment_attempts))
    except Exception as exc:
        # A fault in our own code or data: retrying will not help. Keep it for
        # the analysts' queue (failed records are shown) and for the logs.
        logger.exception("enrichment of record %d failed", record.pk)
        pipeline.record_fail(record, error=f"{type(exc).__name__}: {exc}")
        return EnrichOutcome("failed")

    try:
        saved = _save_enrichment(record, domain=domain, places=places, result=result)
    except (OperationalError, InterfaceError) as exc:
        # The database went away (a restart, a failover): not the record's fault.
        # It stays queued, and the retry (or the sweep) writes the results later.
        logger.warning("database unavailable while saving record %d: %s", record.pk, type(exc).__name__)
        return EnrichOutcome("retry", retry_delay(record.enrichment_attempts))
    except Exception as exc:
        logger.exception("saving the enrichment of record %d failed", record.pk)
        pipeline.record_fail(record, error=f"{type(exc).__name__}: {exc}")
        return EnrichOutcome("failed")
    return EnrichOutcome("enriched" if saved else "skipped")


def _save_enrichment(
    record: UrlRecord, *, domain: str, places: dict[str, hosting.Location], result: liveness.LivenessResult
) -> bool:
    """Write what was learnt, unless another worker already did. True if written."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            UrlRecord.objects.select_for_update()
            .filter(pk=record.pk, enrichment_state__in=[State.NEW, State.QUEUED])
            .first()
        )
        if locked is None:
            return False  # Another worker got there first.
        HostAddress.objects.filter(record=locked).delete()
        HostAddress.objects.bulk_create(
            HostAddress(
                record=locked,
                ip=ip,
                country_code=place.country_code or "",
                country_name=place.country_name or "",
                asn=place.asn,
                network_name=place.network_name or "",
                geo_source=place.source,
                approximate=place.approximate,
                geo_data_date=place.data_date or "",
                resolved_at=now,
            )
            for ip, place in places.items()
        )
        first = next(iter(places.values()), None)
        locked.registrable_domain = domain
        locked.country_code = (first.country_code or "") if first else ""
        locked.network_name = (first.network_name or "") if first else ""
        locked.enrichment_state = State.ENRICHED
        locked.enriched_at = now
        locked.enrichment_error = ""
        locked.save(
            update_fields=[
                "registrable_domain",
                "country_code",
                "network_name",
                "enrichment_state",
                "enriched_at",
                "enrichment_error",
            ]
        )
        liveness_apply(locked, result)
        record_enrichment_finished.send(sender=UrlRecord, record_id=locked.pk, state=State.ENRICHED)
    return True
