"""Staff search: one box that finds records by URL, SHA-256, host or domain, record number or report reference.

Every kind of query is an exact match on a unique or plain b-tree index, so
a search costs a few index probes at a million records:

    record number      reports_urlrecord_pkey
    SHA-256 (64 hex)   urlrecord_url_sha256_unique
    report reference   report_reference_unique → its addresses (one_address_per_record_per_report)
    URL, any spelling  canonicalised as the report form does (reports.addresses), then by SHA-256
    host or domain     urlrecord_host, urlrecord_registrable_domain; paged by record number

No LIKE '%…%' anywhere: a part of a URL finds nothing; the whole URL, its
host or its domain does. Defanged input (hxxp://, [.]) is read as written.
Waiting and decided records alike are found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet

from reports.addresses import AddressError, canonicalize, url_sha256
from reports.models import Report, UrlRecord
from reports.receipts import format_reference

PAGE = 50
MAX_QUERY = 2048

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_NUMBER = re.compile(r"^#?\d{1,12}$")
# R-4K7Q-M2XD as issued, and the seeded demo references (D-0000000001).
_REFERENCE = re.compile(r"^(R-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}|D-\d{10})$", re.IGNORECASE)
_HOSTNAME = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z0-9-]+\.?$")


@dataclass
class SearchResult:
    query: str
    kind: str  # what the query was read as, for the page and the audit trail
    records: list[UrlRecord]
    next_before: int | None = None  # keyset paging of host/domain matches: record ids below this
    note: str = ""


def refang(text: str) -> str:
    """What staff paste from a defanged page back into a plain address."""
    text = re.sub(r"^hxxp", "http", text.strip(), flags=re.IGNORECASE)
    return text.replace("[.]", ".").replace("[:]", ":").replace("(.)", ".")


def _with_status(records: QuerySet[UrlRecord]) -> QuerySet[UrlRecord]:
    return records.select_related("triage", "triage__assessment", "takedown")


def _by_name(name: str, *, before: int | None) -> tuple[list[UrlRecord], int | None]:
    """Records on a host or a registrable domain, newest record first, a page at a time."""
    name = name.rstrip(".").lower()
    matches = UrlRecord.objects.filter(Q(host=name) | Q(registrable_domain=name))
    if before is not None:
        matches = matches.filter(pk__lt=before)
    rows = list(_with_status(matches).order_by("-pk")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return rows, (rows[-1].pk if more else None)


def records_search(*, query: str, before: int | None = None) -> SearchResult:
    """Read the query as the first kind it can be, and find the records it names."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return SearchResult(query=text, kind="empty", records=[])
    if _NUMBER.match(text):
        number = int(text.lstrip("#"))
        return SearchResult(text, "record number", list(_with_status(UrlRecord.objects.filter(pk=number))))
    if _HEX64.match(text):
        return SearchResult(text, "SHA-256", list(_with_status(UrlRecord.objects.filter(url_sha256=text.lower()))))
    if _REFERENCE.match(text):
        reference = text.upper() if text.upper().startswith("D-") else format_reference(text)
        records = _with_status(UrlRecord.objects.filter(reported_addresses__report__reference=reference))
        found = Report.objects.filter(reference=reference).exists()
        note = "" if found else f"No report has the reference {reference}."
        return SearchResult(text, "report reference", list(records.order_by("pk")), note=note)
    plain = refang(text)
    if _HOSTNAME.match(plain):
        # A bare name: its records by host or domain, and the name's own home page if reported.
        rows, next_before = _by_name(plain, before=before)
        return SearchResult(text, "host or domain", rows, next_before=next_before)
    try:
        canonical = canonicalize(plain)
    except AddressError as refusal:
        return SearchResult(text, "not understood", [], note=f"Not a record number, reference, hash or URL: {refusal}")
    host = urlsplit(canonical).hostname or ""
    if "/" not in plain and host:
        # A bare name the pattern above did not take (an IDN, a trailing port): by its canonical host.
        rows, next_before = _by_name(host, before=before)
        return SearchResult(text, "host or domain", rows, next_before=next_before)
    records = _with_status(UrlRecord.objects.filter(url_sha256=url_sha256(canonical)))
    return SearchResult(text, "URL", list(records))
