"""Reading the URL list at a position, the changes between two positions, and partners' reports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, Value

from memberapi.models import Listing, Member, PartnerReport
from triage.public_status import PublicStatus, address_public_status, overall_public_status

CHUNK = 2000  # rows per round trip; the list is never held in memory whole


@dataclass(frozen=True)
class Entry:
    url: str
    sha256: str
    category: str
    at: datetime
    change: str = ""  # "added" or "removed" in a list of changes


def listing_at(position: int) -> Iterator[Entry]:
    """Every address on the list as of `position`, oldest first, read in chunks."""
    rows = (
        Listing.objects.filter(listed_position__lte=position)
        .filter(Q(removed_position__isnull=True) | Q(removed_position__gt=position))
        .order_by("listed_position")
        .values_list("url", "url_sha256", "category", "listed_at")
    )
    for url, digest, category, at in rows.iterator(chunk_size=CHUNK):
        yield Entry(url, digest, category, at)


def changes_between(after: int, upto: int) -> Iterator[Entry]:
    """What was added and removed at positions after `after` up to `upto`, in position order."""
    fields = ("change", "position", "url", "url_sha256", "category", "at")
    added = (
        Listing.objects.filter(listed_position__gt=after, listed_position__lte=upto)
        .annotate(change=Value("added"), position=F("listed_position"), at=F("listed_at"))
        .values_list(*fields)
    )
    removed = (
        Listing.objects.filter(removed_position__gt=after, removed_position__lte=upto)
        .annotate(change=Value("removed"), position=F("removed_position"), at=F("removed_at"))
        .values_list(*fields)
    )
    for change, _position, url, digest, category, at in (
        added.union(removed, all=True).order_by("position").iterator(chunk_size=CHUNK)
    ):
        yield Entry(url, digest, category, at, change)


# The same two reads as SQL, for PostgreSQL's COPY and for any feed that
# writes its own format from the listing. Both name their columns change (the
# changes only), url, url_sha256, category, at and position, and are ordered
# by position; the parameters go with them.


def listing_at_sql(position: int) -> tuple[str, dict[str, int]]:
    """`listing_at` as (SQL, parameters)."""
    table = Listing._meta.db_table
    sql = (
        f"SELECT url, url_sha256, category, listed_at AS at, listed_position AS position FROM {table}"  # noqa: S608 - values are parameters
        " WHERE listed_position <= %(position)s AND (removed_position IS NULL OR removed_position > %(position)s)"
        " ORDER BY listed_position"
    )
    return sql, {"position": position}


def changes_between_sql(after: int, upto: int) -> tuple[str, dict[str, int]]:
    """`changes_between` as (SQL, parameters)."""
    table = Listing._meta.db_table
    sql = (
        "SELECT 'added' AS change, url, url_sha256, category, listed_at AS at, listed_position AS position"  # noqa: S608 - values are parameters
        f" FROM {table} WHERE listed_position > %(after)s AND listed_position <= %(upto)s"
        " UNION ALL"
        " SELECT 'removed', url, url_sha256, category, removed_at, removed_position"
        f" FROM {table} WHERE removed_position > %(after)s AND removed_position <= %(upto)s"
        " ORDER BY position"
    )
    return sql, {"after": after, "upto": upto}


def partner_report_get(*, member: Member, reference: str) -> PartnerReport | None:
    """The member's own report under that reference; another member's is never found."""
    return PartnerReport.objects.select_related("report").filter(member=member, reference=reference).first()


@dataclass(frozen=True)
class AddressStatus:
    url: str
    sha256: str
    status: PublicStatus


def partner_report_statuses(partner_report: PartnerReport) -> tuple[PublicStatus, list[AddressStatus]]:
    """The report's overall status and each address's, by the public status page's rule."""
    rows = partner_report.report.addresses.order_by("position").values_list(
        "record__url", "record__url_sha256", "record__triage__status", "record__triage__started_at"
    )
    addresses = [AddressStatus(url, digest, address_public_status(status, at)) for url, digest, status, at in rows]
    return overall_public_status(a.status for a in addresses), addresses
