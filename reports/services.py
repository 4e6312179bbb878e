"""Writing reports: one transaction for the report and its address records,
and the follow-up work queued only after that transaction has committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
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


def records_ensure(canonicals: Sequence[str], *, now: datetime) -> tuple[dict[str, int], list[int]]:
    """Get or create one record per canonical URL and count one more report on each.

    Returns the record id of each URL's hash, and the ids of the records made
    here. Safe when two reports of the same new address arrive at once: the
    unique hash makes the second insert count a report on the first's record,
    and rows are touched in hash order so two reports naming the same
    addresses cannot deadlock. The records made here are stored marked
    queued: the caller hands them to the broker once committed.
    """
    by_hash = {url_sha256(url): url for url in canonicals}
    fresh = [
        UrlRecord(
            url=by_hash[digest],
            url_sha256=digest,
            host=urlsplit(by_hash[digest]).hostname or "",
            report_count=1,
            first_reported_at=now,
            last_reported_at=now,
            # Queued from the start: the report's transaction hands them to the broker once
            # committed, or puts them back to new if it cannot (enrichment.pipeline.records_queue).
            enrichment_state=UrlRecord.Enrichment.QUEUED,
            queued_at=now,
        )
        for digest in sorted(by_hash)
    ]
    if connection.vendor == "postgresql":
        return _records_upsert(fresh)
    return _records_get_or_create(fresh, now=now)


def _records_upsert(fresh: list[UrlRecord]) -> tuple[dict[str, int], list[int]]:
    """PostgreSQL: one INSERT ... ON CONFLICT for the lot, in place of a read, an insert, a lock and an update.

    The rows go in hash order, and each is locked as it is inserted or
    counted, so concurrent reports lock shared records in the same order.
    `xmax = 0` tells the rows this statement inserted from those it counted:
    a row updated (or locked) by a transaction carries that transaction in
    xmax, a freshly inserted one carries none; a long-standing PostgreSQL idiom.
    """
    fields = [field for field in UrlRecord._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table = quote(UrlRecord._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(fresh))
    count, last = quote("report_count"), quote("last_reported_at")
    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = f"""INSERT INTO {table} ({columns}) VALUES {values}
        ON CONFLICT ({quote("url_sha256")}) DO UPDATE SET {count} = {table}.{count} + 1, {last} = EXCLUDED.{last}
        RETURNING {quote("id")}, {quote("url_sha256")}, (xmax = 0)"""  # noqa: S608
    params = [field.get_db_prep_save(field.pre_save(record, True), connection) for record in fresh for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    ids = {digest: pk for pk, digest, _created in returned}
    created = sorted(pk for pk, _digest, made_here in returned if made_here)
    return ids, created


def _records_get_or_create(fresh: list[UrlRecord], *, now: datetime) -> tuple[dict[str, int], list[int]]:
    """Other databases (SQLite, the embedded default, which takes one writer at a time): four plain queries."""
    hashes = [record.url_sha256 for record in fresh]
    known = set(UrlRecord.objects.filter(url_sha256__in=hashes).values_list("url_sha256", flat=True))
    missing = [record for record in fresh if record.url_sha256 not in known]
    for record in missing:
        record.report_count = 0  # counted with the others below
    UrlRecord.objects.bulk_create(missing, ignore_conflicts=True)
    ids = dict(
        UrlRecord.objects.select_for_update()
        .filter(url_sha256__in=hashes)
        .order_by("url_sha256")
        .values_list("url_sha256", "pk")
    )
    UrlRecord.objects.filter(pk__in=ids.values()).update(report_count=F("report_count") + 1, last_reported_at=now)
    # A record another request created a moment ago may be listed here too;
    # queueing it twice is harmless because enrichment is idempotent.
    return ids, [ids[record.url_sha256] for record in missing]


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
    fields = {
        "seen": seen,
        "found_on": found_on,
        "description": description,
        "contact_email": contact_email,
        "language": language,
        # An unsaved portal is the stand-in used before the default exists: store none.
        "portal": portal if portal is not None and portal.pk else None,
        "received_at": now,
    }
    for _ in range(REFERENCE_ATTEMPTS):
        reference, receipt = receipts.new_reference(), receipts.new_receipt()
        try:
            report, new_ids = _report_store(reference, receipt, addresses, fields, now=now)
        except IntegrityError:
            if not Report.objects.filter(reference=reference).exists():
                raise
            continue  # A reference collision (one in 10^12): all of it undone, draw another.
        return Submission(report=report, receipt=receipt, new_record_ids=new_ids)
    raise RuntimeError("could not draw a unique report reference")


def _report_store(
    reference: str, receipt: str, addresses: Sequence[AddressInput], fields: dict, *, now: datetime
) -> tuple[Report, list[int]]:
    """One transaction: the report, its address records and their links; enrichment queued after commit.

    No savepoint around the report's insert: a taken reference is so rare that
    the whole transaction is simply tried again (see report_submit).
    """
    with transaction.atomic():
        report = Report.objects.create(
            reference=reference, receipt_hash=receipts.receipt_hash(reference, receipt), **fields
        )
        record_ids, new_ids = records_ensure([a.canonical for a in addresses], now=now)
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
                    record_id=record_ids[digest],
                    as_typed=without_credentials(address.as_typed),
                    position=len(rows),
                )
            )
        ReportedAddress.objects.bulk_create(rows)
        transaction.on_commit(lambda: records_queue(new_ids, queued_at=now))
    return report, new_ids
