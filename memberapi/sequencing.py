"""Numbering committed list changes and applying them to the list (see memberapi.models).

Only the beat does this (memberapi.tasks.sequence_list_changes, every
URLLIST_SEQUENCE_SECONDS), never a member's request: a member reads the list
as of the last position handed out, so a download costs no lock and no
write, and a burst of changes is numbered once, in the background, however
many members poll. A change reaches the feed within one beat interval.

A run claims pending changes in batches, each batch one transaction holding
the lock on the one ListPosition row, taken with SKIP LOCKED: a second
sequencer (two beats, a slow run overlapping the next) finds the row locked
and leaves the work to the one holding it, so numbers are never handed out
twice, and since each batch reads what is pending only after it holds the
lock, none is skipped either. A run that was lost (worker killed, broker
down) leaves its changes pending, and the next run takes them: the run is
its own sweep. A pass that finds nothing to do takes no lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from memberapi.models import ListChange, Listing, ListPosition
from reports.models import UrlRecord

BATCH = 2000
# Consecutive positions' "date added" are at least this far apart (see Listing.listed_added_at).
STEP = timedelta(microseconds=1)
SQL_BATCH = 20000  # one set-based pass per batch on PostgreSQL (see _apply_sql)
RUN_SECONDS = 30.0  # a run stops taking new batches after this; the next run goes on (the task's soft limit is 60 s)

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


def changes_sequence(*, batch: int | None = None, seconds: float | None = None) -> int:
    """Number committed, unnumbered changes and apply them to Listing; returns how many.

    Goes on until nothing is pending, until `seconds` have passed (the next
    run takes the rest), or until it finds another sequencer holding the
    lock. On SQLite the lock is a no-op, but SQLite has one writer at a time
    anyway.
    """
    postgres = connection.vendor == "postgresql"
    batch = batch or (SQL_BATCH if postgres else BATCH)
    deadline = None if seconds is None else time.monotonic() + seconds
    done = 0
    # Without this check every run would take the lock. Seeing no pending row
    # is enough: a change still being committed is taken by the next run.
    while ListChange.objects.filter(position__isnull=True).exists():
        ListPosition.objects.get_or_create(pk=1)  # a flushed test database has no row
        with transaction.atomic():
            counter = ListPosition.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if counter is None:
                break  # Another sequencer holds the lock; it takes what is pending.
            # Read after the lock is held: in READ COMMITTED this statement
            # sees every change committed before the previous batch ended.
            if postgres:
                last, added = _apply_sql(before=counter.last, batch=batch, after=counter.last_added_at)
            else:
                pending = list(ListChange.objects.filter(position__isnull=True).order_by("id")[:batch])
                last, added = (
                    _apply(pending, first=counter.last + 1, after=counter.last_added_at)
                    if pending
                    else (counter.last, counter.last_added_at)
                )
            if last == counter.last:
                break
            done += last - counter.last
            counter.last, counter.last_added_at = last, added
            counter.save(update_fields=["last", "last_added_at"])
        if deadline is not None and time.monotonic() >= deadline:
            break  # every run takes at least one batch, so the runs always get through
    return done


def _apply(changes: list[ListChange], *, first: int, after: datetime | None = None) -> tuple[int, datetime]:
    """Give the changes positions first, first+1, … in id order and apply them.

    Returns the last position and its "date added": now, or a microsecond
    after the previous position's if the clock has not moved on (or went back).
    """
    record_ids = {change.record_id for change in changes}
    open_rows = {
        row.record_id: row for row in Listing.objects.filter(record_id__in=record_ids, removed_position__isnull=True)
    }
    records = {
        pk: (url, digest, domain)
        for pk, url, digest, domain in UrlRecord.objects.filter(pk__in=record_ids).values_list(
            "pk", "url", "url_sha256", "registrable_domain"
        )
    }
    confirmed = _categories(record_ids)
    created: list[Listing] = []
    closed: list[Listing] = []
    position = first - 1
    now = timezone.now()
    added = after
    # Changes of one record are made under its row lock, so their ids are in
    # the order they happened; the rest of the order does not matter.
    for change in changes:
        position += 1
        added = now if added is None or now > added else added + STEP
        change.position = position
        current = open_rows.get(change.record_id)
        if change.listed and current is None:
            url, digest, domain = records[change.record_id]
            category, dedicated = confirmed.get(change.record_id, (UNKNOWN_CATEGORY, False))
            current = Listing(
                record_id=change.record_id,
                url=url,
                url_sha256=digest,
                category=category,
                domain=domain if dedicated else "",
                listed_at=change.at,
                listed_position=position,
                listed_added_at=added,
            )
            open_rows[change.record_id] = current
            created.append(current)
        elif not change.listed and current is not None:
            current.removed_position = position
            current.removed_at = change.at
            current.removed_added_at = added
            del open_rows[change.record_id]
            if current.pk is not None:
                closed.append(current)
        # Anything else (listed twice, removed while not listed) changes nothing
        # on the list; the position is used up all the same.
    ListChange.objects.bulk_update(changes, ["position"], batch_size=100)  # SQLite only: PostgreSQL uses _apply_sql
    Listing.objects.bulk_update(closed, ["removed_position", "removed_at", "removed_added_at"], batch_size=500)
    Listing.objects.bulk_create(created, batch_size=1000)
    return position, added


# PostgreSQL: one batch in three set-based statements, no row passing through
# Python. The rule is _apply's: each change is numbered in id order, and it
# changes the list only when it differs from the record's state before it,
# which is the previous change's `listed` (after any change, listed or not,
# the record is in the state the change names) or, for the record's first
# change in the batch, whether it had a listing open at `before`. Changes
# that do something alternate per record (on, off, on, ...), so a listing
# made here ends at the record's next such change, if the batch holds one.
_EFFECTIVE = """
WITH batch AS (
    SELECT c.record_id, c.listed, c.at, c.position,
           COALESCE(
               lag(c.listed) OVER (PARTITION BY c.record_id ORDER BY c.position),
               EXISTS (
                   SELECT 1 FROM {listing} AS o
                   WHERE o.record_id = c.record_id AND o.listed_position <= %(before)s
                     AND (o.removed_position IS NULL OR o.removed_position > %(before)s)
               )
           ) AS was_listed
    FROM {change} AS c
    WHERE c.position > %(before)s AND c.position <= %(last)s
), effective AS (
    SELECT record_id, listed, at, position,
           lag(position) OVER w AS previous_position,
           lead(position) OVER w AS next_position,
           lead(at) OVER w AS next_at
    FROM batch
    WHERE listed <> was_listed
    WINDOW w AS (PARTITION BY record_id ORDER BY position)
)
"""
_NUMBER = """
WITH claimed AS (
    SELECT id, row_number() OVER (ORDER BY id) AS rank
    FROM (SELECT id FROM {change} WHERE position IS NULL ORDER BY id LIMIT %(batch)s) AS pending
), numbered AS (
    UPDATE {change} AS c SET position = %(before)s + claimed.rank
    FROM claimed WHERE c.id = claimed.id
    RETURNING c.position
)
SELECT count(*) FROM numbered
"""
# Closes first, inserts after: the one open listing per record must be
# closed before the record's next one opens (a unique index).
_CLOSE = """
UPDATE {listing} AS l SET removed_position = e.position, removed_at = e.at, removed_added_at = {added}
FROM effective AS e
WHERE NOT e.listed AND e.previous_position IS NULL
  AND l.record_id = e.record_id AND l.removed_position IS NULL
"""
_OPEN = """
INSERT INTO {listing} (
    record_id, url, url_sha256, category, domain, listed_at, listed_position, listed_added_at,
    removed_at, removed_position, removed_added_at
)
SELECT e.record_id, r.url, r.url_sha256, {category},
       CASE WHEN confirmed.dedicated_domain THEN COALESCE(r.registrable_domain, '') ELSE '' END,
       e.at, e.position, {added}, e.next_at, e.next_position, {next_added}
FROM effective AS e
JOIN {record} AS r ON r.id = e.record_id
LEFT JOIN LATERAL (
    SELECT a.outcome, a.dedicated_domain FROM {assessment} AS a
    WHERE a.record_id = e.record_id AND a.confirmed_at IS NOT NULL
    ORDER BY a.confirmed_at DESC, a.id DESC LIMIT 1
) AS confirmed ON true
WHERE e.listed
ORDER BY e.position
"""


def _apply_sql(*, before: int, batch: int, after: datetime | None) -> tuple[int, datetime | None]:
    """Number up to `batch` pending changes after `before` and apply them.

    Returns the last position and its "date added", as _apply does: the first
    position of the batch is stamped now (or a microsecond after `after`, the
    previous position's, if the clock has not moved on), each next one a
    microsecond later, so the stamps rise strictly with the positions.
    """
    from triage.models import Assessment

    tables = {
        "change": ListChange._meta.db_table,
        "listing": Listing._meta.db_table,
        "record": UrlRecord._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "added": "%(first_added)s + (e.position - %(before)s - 1) * interval '1 microsecond'",
        "next_added": "%(first_added)s + (e.next_position - %(before)s - 1) * interval '1 microsecond'",
        "category": "CASE confirmed.outcome "
        + " ".join(f"WHEN '{outcome}' THEN '{code}'" for outcome, code in CATEGORIES.items())
        + f" ELSE '{UNKNOWN_CATEGORY}' END",
    }
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER.format(**tables), {"before": before, "batch": batch})
        last = before + cursor.fetchone()[0]
        if last == before:
            return before, after
        now = timezone.now()
        first_added = now if after is None or now > after else after + STEP
        params = {"before": before, "last": last, "first_added": first_added}
        cursor.execute((_EFFECTIVE + _CLOSE).format(**tables), params)
        cursor.execute((_EFFECTIVE + _OPEN).format(**tables), params)
    return last, first_added + (last - before - 1) * STEP


def _categories(record_ids: set[int]) -> dict[int, tuple[str, bool]]:
    """Each record's confirmed assessment (the latest one, if it was re-opened and re-confirmed):
    its category, and whether it marked the whole domain dedicated to abuse."""
    from triage.models import Assessment  # triage builds on reports; memberapi reads it

    found: dict[int, tuple[str, bool]] = {}
    confirmed = (
        Assessment.objects.filter(record_id__in=record_ids, confirmed_at__isnull=False)
        .order_by("record_id", "confirmed_at", "pk")
        .values_list("record_id", "outcome", "dedicated_domain")
    )
    for record_id, outcome, dedicated in confirmed:
        found[record_id] = (CATEGORIES.get(outcome, UNKNOWN_CATEGORY), dedicated)
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
