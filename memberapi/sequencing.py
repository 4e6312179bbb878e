"""Numbering committed list changes and applying them to the list (see memberapi.models).

Every read of the URL list calls `changes_sequence` first, so a member sees
every change committed before its request. A pass that finds nothing to do
takes no lock: it reads the pending-changes index and returns.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from memberapi.models import ListChange, Listing, ListPosition
from reports.models import UrlRecord

BATCH = 2000

# What members see as the category: stable codes, not our outcome names.
CATEGORIES = {
    "criminal_a": "A",
    "criminal_b": "B",
    "criminal_c": "C",
    "criminal_non_photographic": "non_photographic",
}
UNKNOWN_CATEGORY = "unknown"  # listed without a confirmed assessment: only after a manual repair


def list_position() -> int:
    """The last position handed out (0 before the first change)."""
    return ListPosition.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def changes_sequence(*, batch: int = BATCH) -> int:
    """Number every committed, unnumbered change and apply it to Listing; returns how many.

    Each batch is one transaction holding the ListPosition row lock, so passes
    run one at a time and commit in the order of their positions. On SQLite
    the lock is a no-op, but SQLite has one writer at a time anyway.
    """
    done = 0
    # Without this check every read would queue on the lock. Seeing no
    # pending row is enough: a pass still committing leaves its rows looking
    # pending until it commits, and then we wait for it below.
    while ListChange.objects.filter(position__isnull=True).exists():
        ListPosition.objects.get_or_create(pk=1)  # a flushed test database has no row
        with transaction.atomic():
            counter = ListPosition.objects.select_for_update().get(pk=1)
            # Read after the lock is held: in READ COMMITTED this statement
            # sees every change committed before the previous pass ended.
            pending = list(ListChange.objects.filter(position__isnull=True).order_by("id")[:batch])
            if not pending:
                break
            counter.last = _apply(pending, first=counter.last + 1)
            counter.save(update_fields=["last"])
        done += len(pending)
    return done


def _apply(changes: list[ListChange], *, first: int) -> int:
    """Give the changes positions first, first+1, … in id order and apply them; returns the last."""
    record_ids = {change.record_id for change in changes}
    open_rows = {
        row.record_id: row for row in Listing.objects.filter(record_id__in=record_ids, removed_position__isnull=True)
    }
    records = {
        pk: (url, digest)
        for pk, url, digest in UrlRecord.objects.filter(pk__in=record_ids).values_list("pk", "url", "url_sha256")
    }
    categories = _categories(record_ids)
    created: list[Listing] = []
    closed: list[Listing] = []
    position = first - 1
    # Changes of one record are made under its row lock, so their ids are in
    # the order they happened; the rest of the order does not matter.
    for change in changes:
        position += 1
        change.position = position
        current = open_rows.get(change.record_id)
        if change.listed and current is None:
            url, digest = records[change.record_id]
            current = Listing(
                record_id=change.record_id,
                url=url,
                url_sha256=digest,
                category=categories.get(change.record_id, UNKNOWN_CATEGORY),
                listed_at=change.at,
                listed_position=position,
            )
            open_rows[change.record_id] = current
            created.append(current)
        elif not change.listed and current is not None:
            current.removed_position = position
            current.removed_at = change.at
            del open_rows[change.record_id]
            if current.pk is not None:
                closed.append(current)
        # Anything else (listed twice, removed while not listed) changes nothing
        # on the list; the position is used up all the same.
    _positions_write(changes)
    Listing.objects.bulk_update(closed, ["removed_position", "removed_at"], batch_size=500)
    Listing.objects.bulk_create(created, batch_size=1000)
    return position


def _positions_write(changes: list[ListChange]) -> None:
    if connection.vendor == "postgresql":
        # One statement per batch; bulk_update's CASE WHEN is quadratic in the batch size.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE memberapi_listchange AS c SET position = v.position"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, position) WHERE c.id = v.id",
                [[c.pk for c in changes], [c.position for c in changes]],
            )
    else:
        ListChange.objects.bulk_update(changes, ["position"], batch_size=100)


def _categories(record_ids: set[int]) -> dict[int, str]:
    """The outcome of each record's confirmed assessment (the latest one, if it was re-opened and re-confirmed)."""
    from triage.models import Assessment  # triage builds on reports; memberapi reads it

    found: dict[int, str] = {}
    confirmed = (
        Assessment.objects.filter(record_id__in=record_ids, confirmed_at__isnull=False)
        .order_by("record_id", "confirmed_at", "pk")
        .values_list("record_id", "outcome")
    )
    for record_id, outcome in confirmed:
        found[record_id] = CATEGORIES.get(outcome, UNKNOWN_CATEGORY)
    return found


SYNC_PROGRESS_EVERY = 1000


def urllist_sync(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write the changes that would make the list match takedown state; returns counts.

    Listing changes are written in the takedown transactions, so this finds
    something only for records confirmed before memberapi was installed, or
    after a partial restore. Each record is settled under its row lock, the
    lock every takedown change holds, and compared with its latest change
    (numbered or not), so a takedown changing meanwhile is never undone.
    `progress(done, total)` is called every SYNC_PROGRESS_EVERY records and at the end.
    """
    from takedown.models import CLOSED, Takedown

    changes_sequence()
    listed = set(Listing.objects.filter(removed_position__isnull=True).values_list("record_id", flat=True))
    should = set(Takedown.objects.exclude(status__in=CLOSED).values_list("record_id", flat=True))
    counts = {"added": 0, "removed": 0}
    differing = sorted(listed ^ should)
    for done, record_id in enumerate(differing):
        if progress is not None and done and done % SYNC_PROGRESS_EVERY == 0:
            progress(done, len(differing))
        with transaction.atomic():
            if not UrlRecord.objects.select_for_update().filter(pk=record_id).exists():
                continue
            wanted = Takedown.objects.filter(pk=record_id).exclude(status__in=CLOSED).exists()
            latest = ListChange.objects.filter(record_id=record_id).order_by("-id").values_list("listed", flat=True)
            if bool(latest.first()) != wanted:
                ListChange.objects.create(record_id=record_id, listed=wanted, at=timezone.now())
                counts["added" if wanted else "removed"] += 1
    if progress is not None:
        progress(len(differing), len(differing))
    changes_sequence()
    return counts
