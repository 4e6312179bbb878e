"""Writing reports: one transaction for the report and its address records,
and the follow-up work queued only after that transaction has committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from portals.models import Portal
from reports import receipts
from reports.addresses import url_sha256, without_credentials
from reports.language import language_supported
from reports.models import Report, ReportedAddress, UrlRecord
from reports.signals import records_reported_again, records_stored

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


@dataclass(frozen=True)
class _Link:
    """One address of a report: its record's hash, the address as typed, its place in the report."""

    digest: str
    as_typed: str
    position: int


def _links(addresses: Sequence[AddressInput]) -> list[_Link]:
    links: dict[str, _Link] = {}
    for address in addresses:
        digest = url_sha256(address.canonical)
        if digest not in links:  # The same address twice in one report counts once.
            links[digest] = _Link(
                digest, without_credentials(address.as_typed, canonical=address.canonical), len(links)
            )
    return list(links.values())


def _records_fresh(canonicals: Sequence[str], *, now: datetime) -> list[UrlRecord]:
    """A new record for each URL, in hash order: what is inserted where the URL has none yet.

    Hash order, so that two reports naming the same addresses lock their
    records in the same order and cannot deadlock. Queued from the start: the
    report's transaction hands them to the broker once committed, or puts them
    back to new if it cannot (enrichment.pipeline.records_queue).
    """
    by_hash = {url_sha256(url): url for url in canonicals}
    return [
        UrlRecord(
            url=by_hash[digest],
            url_sha256=digest,
            host=urlsplit(by_hash[digest]).hostname or "",
            report_count=1,
            first_reported_at=now,
            last_reported_at=now,
            enrichment_state=UrlRecord.Enrichment.QUEUED,
            queued_at=now,
        )
        for digest in sorted(by_hash)
    ]


def _insert_rows(objects: Sequence[Model]) -> tuple[str, str, str, list]:
    """The table, column list, VALUES rows and parameters that insert `objects` as Django would.

    Every concrete column but the id, each value prepared by its own field.
    Only the model's own table and column names ever go into SQL text.
    """
    meta = objects[0]._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(objects))
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objects for field in fields]
    return quote(meta.db_table), columns, rows, params


def _store_in_one_statement(report: Report, fresh: list[UrlRecord], links: list[_Link]) -> tuple[list[int], list[int]]:
    """PostgreSQL: the report, its records and their links in one statement; returns the records made and counted.

    Three data-modifying steps in place of six queries: the report's insert;
    one INSERT ... ON CONFLICT that makes each new record or counts one more
    report on a known one (each row locked as it goes, in hash order); the
    links, joined on the hash. `xmax = 0` tells the records this statement
    inserted from those it counted: a row updated by a transaction carries
    that transaction in xmax, a freshly inserted one none (a long-standing
    PostgreSQL idiom). All of it commits or none of it.
    """
    quote = connection.ops.quote_name
    report_table, report_columns, report_row, report_params = _insert_rows([report])
    record_table, record_columns, record_rows, record_params = _insert_rows(fresh)
    link_table = quote(ReportedAddress._meta.db_table)
    link_fields = ("report", "record", "as_typed", "position")
    link_columns = ", ".join(quote(ReportedAddress._meta.get_field(name).column) for name in link_fields)
    link_rows = ", ".join(["(%s, %s, %s)"] * len(links))
    count, last = quote("report_count"), quote("last_reported_at")
    sql = f"""
        WITH new_report AS (
            INSERT INTO {report_table} ({report_columns}) VALUES {report_row} RETURNING id
        ), records AS (
            INSERT INTO {record_table} ({record_columns}) VALUES {record_rows}
            ON CONFLICT ({quote("url_sha256")})
            DO UPDATE SET {count} = {record_table}.{count} + 1, {last} = EXCLUDED.{last}
            RETURNING id, url_sha256, (xmax = 0) AS created
        ), links AS (
            INSERT INTO {link_table} ({link_columns})
            SELECT new_report.id, records.id, typed.as_typed, typed.position
            FROM new_report CROSS JOIN records
            JOIN (VALUES {link_rows}) AS typed (url_sha256, as_typed, position) USING (url_sha256)
        )
        SELECT new_report.id, records.id, records.created FROM new_report CROSS JOIN records
    """  # noqa: S608 - see _insert_rows: names only, every value a parameter
    link_params = [value for link in links for value in (link.digest, link.as_typed, link.position)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*report_params, *record_params, *link_params])
        returned = cursor.fetchall()
    report.pk = returned[0][0]
    report._state.adding, report._state.db = False, connection.alias
    made = sorted(record_id for _report_id, record_id, created in returned if created)
    counted = sorted(record_id for _report_id, record_id, created in returned if not created)
    return made, counted


def _store_step_by_step(
    report: Report, fresh: list[UrlRecord], links: list[_Link], *, now: datetime
) -> tuple[list[int], list[int]]:
    """Other databases (SQLite, the embedded default, which takes one writer at a time): plain ORM queries."""
    report.save(force_insert=True)
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
    ReportedAddress.objects.bulk_create(
        ReportedAddress(report=report, record_id=ids[link.digest], as_typed=link.as_typed, position=link.position)
        for link in links
    )
    # A record another request created a moment ago may be listed here too;
    # queueing it twice is harmless because enrichment is idempotent.
    made = [ids[record.url_sha256] for record in missing]
    return made, sorted(set(ids.values()) - set(made))


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

    `language` is the language the reporter used (one of LANGUAGES, which includes PORTAL_LANGUAGES): analysts
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

    A known address gains the report (its count and last-reported time go up),
    a new one gets a record, also when two reports of it arrive at once (the
    unique hash). No savepoint around the report's insert: a taken reference
    is so rare that the whole transaction is simply tried again (see
    report_submit).
    """
    report = Report(reference=reference, receipt_hash=receipts.receipt_hash(reference, receipt), **fields)
    links = _links(addresses)
    fresh = _records_fresh([a.canonical for a in addresses], now=now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            new_ids, counted_ids = _store_in_one_statement(report, fresh, links)
        else:
            new_ids, counted_ids = _store_step_by_step(report, fresh, links, now=now)
        if counted_ids:
            # Known addresses reported again: their place in the triage queue changes with this transaction.
            records_reported_again.send(sender=Report, record_ids=counted_ids, at=now)
        transaction.on_commit(lambda: records_stored.send(sender=Report, record_ids=new_ids, queued_at=now))
    return report, new_ids
