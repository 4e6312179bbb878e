"""Keeping the daily aggregates (dashboard.models.DailyStat) in step with the records.

    stats_refresh()                      # today and yesterday: the beat task, every few minutes
    stats_rebuild()                      # every day there is data for: manage.py dashboard_rebuild
    stats_compute(first=d1, last=d2)     # the rows those days should have, without writing them

Each day is recomputed whole and its rows replaced in one transaction, so a
refresh that runs twice, or at the same time as another, leaves the same rows.
Queries are bounded by day ranges on indexed timestamps (Report.received_at,
Takedown.closed_at), and one GROUP BY per source covers any number of days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from dashboard.buckets import bucket_of
from dashboard.models import DailyStat, Metric, StatsRefresh
from reports.models import Report, ReportedAddress
from takedown.models import NoticeBatch, Takedown
from triage.models import Assessment, is_criminal

_Key = tuple[date, str, str]  # (day, metric, key)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min, UTC), datetime.combine(last + timedelta(days=1), time.min, UTC)


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def stats_compute(*, first: date, last: date) -> dict[_Key, int]:
    """Every aggregate of the days first..last (UTC), as {(day, metric, key): count}."""
    start, end = _bounds(first, last)
    counts: Counter[_Key] = Counter()
    day = TruncDate

    reports = (
        Report.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(d=day("received_at", tzinfo=UTC))
        .values_list("d", "found_on", "portal_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for d, found_on, portal_id, n in reports:
        counts[(d, Metric.REPORTS, "")] += n
        counts[(d, Metric.FOUND_ON, found_on)] += n
        if portal_id is not None:
            counts[(d, Metric.PORTAL_REPORTS, f"{portal_id}|")] += n
            counts[(d, Metric.PORTAL_FOUND_ON, f"{portal_id}|{found_on}")] += n

    addresses = (
        ReportedAddress.objects.filter(report__received_at__gte=start, report__received_at__lt=end)
        .annotate(d=day("report__received_at", tzinfo=UTC))
        .values_list("d", "report__portal_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for d, portal_id, n in addresses:
        counts[(d, Metric.ADDRESSES, "")] += n
        if portal_id is not None:
            counts[(d, Metric.PORTAL_ADDRESSES, f"{portal_id}|")] += n

    assessments = (
        Assessment.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(d=day("created_at", tzinfo=UTC))
        .values_list("d", "outcome", "age_group", "site_type", "analyst_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for d, outcome, age_group, site_type, analyst_id, n in assessments:
        counts[(d, Metric.ASSESSMENTS, outcome)] += n
        counts[(d, Metric.ANALYST_OUTCOME, f"{analyst_id}|{outcome}")] += n
        if is_criminal(outcome):
            counts[(d, Metric.AGE_GROUP, age_group)] += n
            counts[(d, Metric.SITE_TYPE, site_type)] += n

    # Outcomes by portal: a record belongs to the portal of its first report, as for routing.
    first_portal = (
        Report.objects.filter(addresses__record=OuterRef("record_id"))
        .order_by("received_at", "pk")
        .values("portal_id")[:1]
    )
    by_portal = (
        Assessment.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(d=day("created_at", tzinfo=UTC), p=Subquery(first_portal))
        .filter(p__isnull=False)
        .values_list("d", "p", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for d, portal_id, outcome, n in by_portal:
        counts[(d, Metric.PORTAL_ASSESSMENTS, f"{portal_id}|{outcome}")] += n

    # Time to the first view only: the second view of a dispute answers another question.
    delays = (
        Assessment.objects.filter(created_at__gte=start, created_at__lt=end, disputes__isnull=True)
        .values_list("created_at", "record__first_reported_at")
        .order_by()
    )
    for created_at, first_reported_at in delays.iterator(chunk_size=5000):
        counts[(_utc_day(created_at), Metric.ASSESS_DELAY, str(bucket_of(created_at - first_reported_at)))] += 1

    routed = (
        Takedown.objects.filter(routed_at__gte=start, routed_at__lt=end)
        .annotate(d=day("routed_at", tzinfo=UTC))
        .values_list("d", "country_code", "route")
        .annotate(n=Count("record_id"))
        .order_by()
    )
    for d, country_code, route, n in routed:
        counts[(d, Metric.HOSTING_COUNTRY, country_code or "??")] += n
        counts[(d, Metric.ROUTE, route)] += n

    closed = (
        Takedown.objects.filter(closed_at__gte=start, closed_at__lt=end)
        .values_list("closed_at", "status", "removal_after_notice")
        .order_by()
    )
    for closed_at, status, after_notice in closed.iterator(chunk_size=5000):
        d = _utc_day(closed_at)
        counts[(d, Metric.REMOVED, status)] += 1
        if after_notice is not None:
            counts[(d, Metric.REMOVAL_DELAY, str(bucket_of(after_notice)))] += 1

    sent = (
        NoticeBatch.objects.filter(state=NoticeBatch.State.SENT, sent_at__gte=start, sent_at__lt=end)
        .annotate(d=day("sent_at", tzinfo=UTC))
        .values_list("d", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for d, channel, n in sent:
        counts[(d, Metric.NOTICES_SENT, channel)] += n

    return dict(counts)


def _replace(first: date, last: date, counts: dict[_Key, int]) -> int:
    rows = [DailyStat(day=d, metric=m, key=k, count=n) for (d, m, k), n in counts.items() if n]
    with transaction.atomic():
        # One writer at a time: a second refresh waits here instead of colliding on the unique index.
        marker, _ = StatsRefresh.objects.select_for_update().get_or_create(
            pk=1, defaults={"finished_at": timezone.now()}
        )
        DailyStat.objects.filter(metric__in=Metric.values, day__gte=first, day__lte=last).delete()
        DailyStat.objects.bulk_create(rows, batch_size=5000)
        marker.finished_at = timezone.now()
        marker.save(update_fields=["finished_at"])
    return len(rows)


def stats_refresh(*, days: int = 2, today: date | None = None) -> int:
    """Recompute the last `days` days (today included); returns the rows written."""
    last = today or timezone.now().astimezone(UTC).date()
    first = last - timedelta(days=days - 1)
    return _replace(first, last, stats_compute(first=first, last=last))


def _earliest() -> date | None:
    candidates: Iterable[datetime | None] = (
        Report.objects.aggregate(m=Min("received_at"))["m"],
        Assessment.objects.aggregate(m=Min("created_at"))["m"],
        Takedown.objects.aggregate(m=Min("routed_at"))["m"],
        NoticeBatch.objects.aggregate(m=Min("sent_at"))["m"],
    )
    found = [_utc_day(c) for c in candidates if c is not None]
    return min(found) if found else None


# stats_rebuild reads this many days at a time: every aggregate is of one day, so the
# windows add up to the whole, and a long history shows progress as it goes.
REBUILD_WINDOW_DAYS = 31


def stats_rebuild(*, today: date | None = None, progress: Callable[[date, date, int], None] | None = None) -> int:
    """Recompute every day from the first record to today; returns the rows written.

    `progress(first, last, rows)` is called after each window of days is read.
    """
    last = today or timezone.now().astimezone(UTC).date()
    first = _earliest() or last
    counts: dict[_Key, int] = {}
    start = first
    while start <= last:
        end = min(start + timedelta(days=REBUILD_WINDOW_DAYS - 1), last)
        window = stats_compute(first=start, last=end)
        counts.update(window)
        if progress is not None:
            progress(start, end, len(window))
        start = end + timedelta(days=1)
    with transaction.atomic():
        # Days before the first record (data deleted since) must not keep old rows.
        DailyStat.objects.filter(day__lt=first).delete()
        return _replace(first, last, counts)
