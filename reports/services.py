"""Writing reports: one transaction for the report and its address records,
and the follow-up work queued only after that transaction has committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from enrichment.pipeline import records_queue
from portals.models import Portal
from reports import receipts
from reports.addresses import url_sha256, without_credentials
from reports.language import language_supported
from reports.models import Report, ReportedAddress, UrlRecord

REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class AddressInput:
    as_typed: str
    canonical: str


@dataclass(frozen=True)
class Submission:
    report: Report
    receipt: str
    new_record_ids: list[int]


def records_ensure(canonicals: Sequence[str], *, now: datetime) -> tuple[dict[str, UrlRecord], list[int]]:
    """Get or create one record per canonical URL and count one more report on each.

    Safe when two reports of the same new address arrive at once: the unique
    hash makes the second insert a no-op, and rows are touched in hash order
    so two reports naming the same addresses cannot deadlock.
    """
    by_hash = {url_sha256(url): url for url in canonicals}
    hashes = sorted(by_hash)
    known = set(UrlRecord.objects.filter(url_sha256__in=hashes).values_list("url_sha256", flat=True))
    missing = [h for h in hashes if h not in known]
    UrlRecord.objects.bulk_create(
        [
            UrlRecord(
                url=by_hash[h],
                url_sha256=h,
                host=urlsplit(by_hash[h]).hostname or "",
                first_reported_at=now,
                last_reported_at=now,
            )
            for h in missing
        ],
        ignore_conflicts=True,
    )
    records = {
        record.url_sha256: record
        for record in UrlRecord.objects.select_for_update().filter(url_sha256__in=hashes).order_by("url_sha256")
    }
    UrlRecord.objects.filter(pk__in=[r.pk for r in records.values()]).update(
        report_count=F("report_count") + 1, last_reported_at=now
    )
    # A record another request created a moment ago may be listed here too;
    # queueing it twice is harmless because enrichment is idempotent.
    new_ids = [records[h].pk for h in missing]
    return records, new_ids


def _create_report(**fields) -> tuple[Report, str]:
    for _ in range(REFERENCE_ATTEMPTS):
        reference, receipt = receipts.new_reference(), receipts.new_receipt()
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reference=reference, receipt_hash=receipts.receipt_hash(reference, receipt), **fields
                )
            return report, receipt
        except IntegrityError:
            continue  # A reference collision (one in 10^12): draw another.
    raise RuntimeError("could not draw a unique report reference")


def report_submit(
    *,
    addresses: Sequence[AddressInput],
    seen: str,
    found_on: str,
    description: str = "",
    contact_email: str = "",
    language: str = "en",
    portal: Portal | None = None,
) -> Submission:
    """Store a report and its addresses in one transaction, then queue enrichment.

    `language` is the language the reporter used (one of LANGUAGES): analysts
    see it beside the description.
    """
    if not addresses:
        raise ValueError("a report needs at least one address")
    if not language_supported(language):
        raise ValueError(f"{language!r} is not one of LANGUAGES")
    now = timezone.now()
    with transaction.atomic():
        report, receipt = _create_report(
            seen=seen,
            found_on=found_on,
            description=description,
            contact_email=contact_email,
            language=language,
            # An unsaved portal is the stand-in used before the default exists: store none.
            portal=portal if portal is not None and portal.pk else None,
            received_at=now,
        )
        records, new_ids = records_ensure([a.canonical for a in addresses], now=now)
        seen_hashes: set[str] = set()
        rows = []
        for address in addresses:
            digest = url_sha256(address.canonical)
            if digest in seen_hashes:
                continue  # The same address twice in one report counts once.
            seen_hashes.add(digest)
            rows.append(
                ReportedAddress(
                    report=report,
                    record=records[digest],
                    as_typed=without_credentials(address.as_typed),
                    position=len(rows),
                )
            )
        ReportedAddress.objects.bulk_create(rows)
        transaction.on_commit(lambda: records_queue(new_ids))
    return Submission(report=report, receipt=receipt, new_record_ids=new_ids)
