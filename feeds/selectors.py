"""Reading the URL list for the feeds, as of one list position (memberapi.models explains positions).

Every feed request first numbers newly committed changes (`feed_position`),
then reads as of that position, so a feed and the URL list download always
describe the same list. Only `Listing` is read: canonical URL, its hash, the
category and dates; nothing about reports or reporters is within reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, Value
from django.db.models.functions import Coalesce, TruncDate

from memberapi.models import Listing
from memberapi.sequencing import changes_sequence, list_position

CHUNK = 2000


def feed_position() -> int:
    """Number what has committed since the last read, and return the list's position."""
    changes_sequence()
    return list_position()


def _open_at(position: int) -> Q:
    return Q(listed_position__lte=position) & (Q(removed_position__isnull=True) | Q(removed_position__gt=position))


# --- RPZ ---------------------------------------------------------------------


def rpz_domains_at(position: int) -> list[str]:
    """The dedicated domains with at least one address on the list as of `position`, sorted."""
    rows = Listing.objects.exclude(domain="").filter(_open_at(position)).values_list("domain", flat=True)
    return sorted(set(rows))


def rpz_serial_at(position: int) -> int:
    """The position of the last change to the zone (a dedicated listing or its removal) up to `position`.

    The serial moves only when the zone does, so a resolver or a cron job
    polling with If-None-Match fetches it again only when there is news.
    """
    last = Listing.objects.exclude(domain="").aggregate(
        listed=Max("listed_position", filter=Q(listed_position__lte=position)),
        removed=Max("removed_position", filter=Q(removed_position__lte=position)),
    )
    return max(last["listed"] or 0, last["removed"] or 0)


# --- Versions of listings (TAXII indicators, MISP attributes) ------------------


@dataclass(frozen=True)
class Version:
    """One version of one stay on the list: its listing (revoked False) or its removal (revoked True)."""

    listing_id: int
    url: str
    sha256: str
    category: str
    listed_at: datetime
    created: datetime  # the listing's date added
    added: datetime  # this version's date added (== its STIX `modified`)
    revoked: bool


_FIELDS = ("pk", "url", "url_sha256", "category", "listed_at", "listed_added_at", "added", "revoked")


def versions_after(*, after: datetime | None, limit: int, which: str = "last") -> list[Version]:
    """Up to `limit` versions added after `after`, in the order they were added.

    which: "last" gives each stay once, as its latest version (the TAXII
    default); "first" only the listings; "all" every listing and removal.
    Dates added strictly increase with the position, so paging on them
    never skips nor repeats a version however writers interleave.
    """
    if which == "last":
        latest = Listing.objects.annotate(
            added=Coalesce("removed_added_at", "listed_added_at"),
            revoked=ExpressionWrapper(Q(removed_added_at__isnull=False), output_field=BooleanField()),
        )
        latest = latest.filter(added__isnull=False) if after is None else latest.filter(added__gt=after)
        query = latest.order_by("added").values_list(*_FIELDS)[:limit]
        return [Version(*row) for row in query]
    listed = Listing.objects.filter(listed_added_at__isnull=False).annotate(
        added=F("listed_added_at"), revoked=Value(False)
    )
    if after is not None:
        listed = listed.filter(listed_added_at__gt=after)
    query = listed.values_list(*_FIELDS)
    if which == "all":
        removed = Listing.objects.filter(removed_added_at__isnull=False).annotate(
            added=F("removed_added_at"), revoked=Value(True)
        )
        if after is not None:
            removed = removed.filter(removed_added_at__gt=after)
        query = query.union(removed.values_list(*_FIELDS), all=True)
    query = query.order_by("added")[:limit]
    return [Version(*row) for row in query]


# --- MISP: one event per UTC day of listing ------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    listed_last: datetime  # the day's last listing
    removed_last: datetime | None  # the last removal among the day's stays
    removed_listed_last: datetime | None  # the last listing among the day's removed stays
    count: int


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def misp_days_at(position: int) -> list[Day]:
    """Every day with a listing up to `position`, with when its event last changed."""
    rows = (
        Listing.objects.filter(listed_position__lte=position, listed_added_at__isnull=False)
        .annotate(day=TruncDate("listed_added_at", tzinfo=UTC))
        .values("day")
        .annotate(
            listed=Max("listed_added_at"),
            removed=Max("removed_added_at", filter=Q(removed_position__lte=position)),
            removed_listed=Max("listed_added_at", filter=Q(removed_position__lte=position)),
            count=Count("pk"),
        )
        .order_by("day")
    )
    return [Day(r["day"], r["listed"], r["removed"], r["removed_listed"], r["count"]) for r in rows]


@dataclass(frozen=True)
class Stay:
    listing_id: int
    url: str
    category: str
    listed_added_at: datetime
    removed_added_at: datetime | None  # set when removed as of the position asked for


def misp_day_at(day: date, position: int) -> list[Stay]:
    """The stays listed on `day` (by date added), as of `position`, in list order."""
    start, end = _day_bounds(day)
    rows = (
        Listing.objects.filter(listed_added_at__gte=start, listed_added_at__lt=end, listed_position__lte=position)
        .order_by("listed_position")
        .values_list("pk", "url", "category", "listed_added_at", "removed_added_at", "removed_position")
    )
    stays = []
    for pk, url, category, listed, removed, removed_position in rows:
        gone = removed_position is not None and removed_position <= position
        stays.append(Stay(pk, url, category, listed, removed if gone else None))
    return stays


def misp_hashes_at(position: int) -> Iterator[tuple[str, datetime]]:
    """(url, date added) of every address on the list as of `position`, in list order, in chunks."""
    rows = (
        Listing.objects.filter(_open_at(position), listed_added_at__isnull=False)
        .order_by("listed_position")
        .values_list("url", "listed_added_at")
    )
    yield from rows.iterator(chunk_size=CHUNK)
