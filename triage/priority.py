"""The queue's order, stored on each waiting record's triage row and kept current by the events that change it.

A record's priority is the sum of its reasons (the badges an analyst sees),
each worth twice the next one, so the order reads "disputed first, then a
host or domain already confirmed criminal, then online now, then reported
more than once, then waiting over a day"; with the same reasons, more
reports first, then the oldest.

That whole order is folded into one number, `queue_rank` (smaller comes
first), so the queue is one walk along a partial index of the waiting rows
(`triage_queue_rank`) and a page boundary is one (rank, record id) pair: the
next page starts where the last one ended, however deep, with no OFFSET and
no sort of every waiting row per request.

Who keeps it current, in the same transaction as the change:
- enrichment finishing (the row is created: `states_create`) and each
  liveness check (`triage.receivers`): online now;
- a new report of a known address (`reports.services`): reported more than once, more reports;
- a dispute: disputed; a confirmation: every waiting record of the same host or domain;
- time: `queue_age_sweep` (every few minutes, Celery beat) adds "waiting over a day".
Claims and releases leave the order alone (a held record keeps its place;
"Next" passes over it). Assessing takes the record out of the waiting set, so
its rank is no longer read; one that comes back (a dispute) is ranked again.
`queue_reprioritise_all` (manage.py triage_sync) recomputes every waiting row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from triage.models import WAITING, ActionedName, TriageState

# A record reported this long ago and still waiting is "waiting over a day".
OLD_AFTER = timedelta(hours=24)

WEIGHT_DISPUTED = 16
WEIGHT_ACTIONED = 8
WEIGHT_ONLINE = 4
WEIGHT_REPEATED = 2
WEIGHT_OLD = 1
MAX_PRIORITY = 31

# queue_rank = (31 - priority) · 2^58 + (COUNT_CAP - reports) · 2^36 + seconds since 2000:
# five bits of priority, 22 of report count (capped), 36 of time (two thousand years).
_PRIORITY_SHIFT = 58
_COUNT_SHIFT = 36
COUNT_CAP = (1 << (_PRIORITY_SHIFT - _COUNT_SHIFT)) - 1
_TIME_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
_TIME_CAP = (1 << _COUNT_SHIFT) - 1

BATCH = 500


def priority_of(
    *,
    disputed: bool,
    actioned: bool,
    online: bool | None,
    report_count: int,
    first_reported_at: datetime,
    now: datetime,
) -> int:
    """The sum of a waiting record's reasons."""
    return (
        (WEIGHT_DISPUTED if disputed else 0)
        + (WEIGHT_ACTIONED if actioned else 0)
        + (WEIGHT_ONLINE if online else 0)
        + (WEIGHT_REPEATED if report_count >= 2 else 0)
        + (WEIGHT_OLD if first_reported_at < now - OLD_AFTER else 0)
    )


def queue_rank(*, priority: int, report_count: int, first_reported_at: datetime) -> int:
    """The queue's whole order in one number: smaller comes first (ties: lower record id first)."""
    seconds = int((first_reported_at - _TIME_ORIGIN).total_seconds())
    return (
        ((MAX_PRIORITY - min(max(priority, 0), MAX_PRIORITY)) << _PRIORITY_SHIFT)
        + ((COUNT_CAP - min(max(report_count, 0), COUNT_CAP)) << _COUNT_SHIFT)
        + min(max(seconds, 0), _TIME_CAP)
    )


def _actioned_names(rows: list[dict]) -> set[tuple[str, str]]:
    hosts = {row["record__host"] for row in rows}
    domains = {row["record__registrable_domain"] for row in rows} - {""}
    found = ActionedName.objects.filter(
        Q(kind=ActionedName.Kind.HOST, name__in=hosts) | Q(kind=ActionedName.Kind.DOMAIN, name__in=domains)
    ).values_list("kind", "name")
    return set(found)


def _reprioritise_rows(states: QuerySet[TriageState], *, now: datetime) -> int:
    rows = list(
        states.filter(status__in=WAITING).values(
            "record_id",
            "status",
            "priority",
            "queue_rank",
            "record__host",
            "record__registrable_domain",
            "record__online",
            "record__report_count",
            "record__first_reported_at",
        )
    )
    if not rows:
        return 0
    actioned = _actioned_names(rows)
    changed = []
    for row in rows:
        priority = priority_of(
            disputed=row["status"] == TriageState.Status.DISPUTED,
            actioned=(ActionedName.Kind.HOST, row["record__host"]) in actioned
            or (ActionedName.Kind.DOMAIN, row["record__registrable_domain"]) in actioned,
            online=row["record__online"],
            report_count=row["record__report_count"],
            first_reported_at=row["record__first_reported_at"],
            now=now,
        )
        rank = queue_rank(
            priority=priority,
            report_count=row["record__report_count"],
            first_reported_at=row["record__first_reported_at"],
        )
        if (priority, rank) != (row["priority"], row["queue_rank"]):
            changed.append(TriageState(record_id=row["record_id"], priority=priority, queue_rank=rank))
    TriageState.objects.bulk_update(changed, ["priority", "queue_rank"], batch_size=BATCH)
    return len(changed)


def queue_reprioritise(record_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Rank these records again if they are waiting; how many rows changed. Call in the change's transaction."""
    ids = sorted(set(record_ids))
    now = now or timezone.now()
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _reprioritise_rows(TriageState.objects.filter(pk__in=ids[start : start + BATCH]), now=now)
    return changed


def queue_reprioritise_names(*, host: str, domain: str, now: datetime | None = None) -> int:
    """A host or domain was just confirmed criminal: rank its waiting records again."""
    names = Q(record__host=host) | (Q(record__registrable_domain=domain) if domain else Q(pk__in=[]))
    ids = TriageState.objects.filter(names, status__in=WAITING).values_list("pk", flat=True)
    return queue_reprioritise(list(ids), now=now)


def queue_age_sweep(*, now: datetime | None = None) -> int:
    """Waiting records that have just passed OLD_AFTER get "waiting over a day" (the clock is an event too)."""
    now = now or timezone.now()
    crossed = (
        TriageState.objects.filter(status__in=WAITING, record__first_reported_at__lt=now - OLD_AFTER)
        .exclude(priority__in=[p for p in range(MAX_PRIORITY + 1) if p & WEIGHT_OLD])
        .values_list("pk", flat=True)
    )
    return queue_reprioritise(list(crossed), now=now)


def queue_reprioritise_all(*, now: datetime | None = None) -> int:
    """Every waiting row ranked again (after a restore, a change of weights, or by hand)."""
    ids = TriageState.objects.filter(status__in=WAITING).values_list("pk", flat=True)
    return queue_reprioritise(list(ids), now=now)
