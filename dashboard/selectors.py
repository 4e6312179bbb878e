"""What the dashboard shows, read from the daily aggregates and a few indexed live queries.

Nothing here counts a large table over the whole date range: the daily and
weekly figures come from DailyStat (dashboard.aggregates), the last 48 hours
from Report.received_at's index, and the queue from triage's partial index of
waiting records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, Sum
from django.db.models.functions import TruncHour, TruncWeek
from django.utils import timezone

from dashboard.buckets import percentile
from dashboard.models import DailyStat, Metric, StatsRefresh
from reports.models import Report, ReportedAddress
from triage.models import CRIMINAL_OUTCOMES, WAITING, TriageState


@dataclass(frozen=True)
class Period:
    """Whole UTC days, first and last included."""

    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @property
    def end(self) -> datetime:
        """The moment the period ends: the end of its last day, or now if that is sooner."""
        return min(datetime.combine(self.last + timedelta(days=1), time.min, UTC), timezone.now())


@dataclass
class WeekSpeed:
    week: date
    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass
class Figures:
    period: Period
    daily: dict[str, dict[date, int]] = field(default_factory=dict)  # metric → day → count
    assessments_daily: dict[date, dict[str, int]] = field(default_factory=dict)  # day → outcome → count
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # metric → key → count
    hourly: list[tuple[datetime, int, int]] = field(default_factory=list)  # (hour, reports, addresses)
    speed: dict[str, list[WeekSpeed]] = field(default_factory=dict)  # metric → weeks
    overall: dict[str, tuple[timedelta | None, timedelta | None]] = field(default_factory=dict)

    def total(self, metric: str) -> int:
        return sum(self.totals.get(metric, {}).values())

    @property
    def actionable(self) -> tuple[int, int]:
        """(criminal assessments, all assessments) in the period."""
        outcomes = self.totals.get(Metric.ASSESSMENTS, {})
        return sum(outcomes.get(o, 0) for o in CRIMINAL_OUTCOMES), sum(outcomes.values())


_CATEGORY_METRICS = [
    Metric.REPORTS,
    Metric.ADDRESSES,
    Metric.FOUND_ON,
    Metric.ASSESSMENTS,
    Metric.AGE_GROUP,
    Metric.SITE_TYPE,
    Metric.HOSTING_COUNTRY,
    Metric.ROUTE,
    Metric.REMOVED,
    Metric.NOTICES_SENT,
]
_HISTOGRAMS = [Metric.ASSESS_DELAY, Metric.REMOVAL_DELAY]


def _in(period: Period):
    return DailyStat.objects.filter(day__gte=period.first, day__lte=period.last)


# A portal filter narrows these (Metric.PORTAL_*); the other figures stay all portals'.
BY_PORTAL = {
    Metric.REPORTS: Metric.PORTAL_REPORTS,
    Metric.ADDRESSES: Metric.PORTAL_ADDRESSES,
    Metric.FOUND_ON: Metric.PORTAL_FOUND_ON,
    Metric.ASSESSMENTS: Metric.PORTAL_ASSESSMENTS,
}


def _narrow_to_portal(figures: Figures, portal_id: int) -> None:
    """Replace the figures that have a portal dimension with that portal's."""
    period = figures.period
    figures.daily = {Metric.REPORTS: {}, Metric.ADDRESSES: {}}
    by_outcome: dict[date, dict[str, int]] = defaultdict(dict)
    for metric in BY_PORTAL:
        figures.totals[metric] = {}
    reverse = {v: k for k, v in BY_PORTAL.items()}
    rows = _in(period).filter(metric__in=BY_PORTAL.values(), key__startswith=f"{portal_id}|")
    for stored, day, key, count in rows.values_list("metric", "day", "key", "count"):
        metric, key = reverse[stored], key.partition("|")[2]
        totals = figures.totals[metric]
        totals[key] = totals.get(key, 0) + count
        if metric == Metric.ASSESSMENTS:
            by_outcome[day][key] = count
        elif metric != Metric.FOUND_ON:
            figures.daily[metric][day] = count
    figures.assessments_daily = dict(by_outcome)
    figures.hourly = hourly_intake(end=period.end, portal_id=portal_id)


def dashboard_figures(*, period: Period, portal_id: int | None = None) -> Figures:
    figures = Figures(period=period)

    # Per-day series: reports, addresses, assessments by outcome.
    daily: dict[str, dict[date, int]] = {Metric.REPORTS: {}, Metric.ADDRESSES: {}}
    by_outcome: dict[date, dict[str, int]] = defaultdict(dict)
    rows = _in(period).filter(metric__in=[Metric.REPORTS, Metric.ADDRESSES, Metric.ASSESSMENTS])
    for metric, day, key, count in rows.values_list("metric", "day", "key", "count"):
        if metric == Metric.ASSESSMENTS:
            by_outcome[day][key] = count
        else:
            daily[metric][day] = count
    figures.daily = daily
    figures.assessments_daily = dict(by_outcome)

    # Totals over the period, by key.
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    summed = (
        _in(period)
        .filter(metric__in=_CATEGORY_METRICS)
        .values_list("metric", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for metric, key, n in summed:
        totals[metric][key] = n
    figures.totals = dict(totals)

    # Weekly histograms → median and 90th percentile per week, and over the whole period.
    weekly: dict[str, dict[date, dict[int, int]]] = {m: defaultdict(dict) for m in _HISTOGRAMS}
    histograms = (
        _in(period)
        .filter(metric__in=_HISTOGRAMS)
        .annotate(week=TruncWeek("day"))
        .values_list("metric", "week", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for metric, week, key, n in histograms:
        week = week.date() if isinstance(week, datetime) else week
        weekly[metric][week][int(key)] = n
    for metric in _HISTOGRAMS:
        weeks = []
        whole: dict[int, int] = defaultdict(int)
        for week in sorted(weekly[metric]):
            histogram = weekly[metric][week]
            for bucket, n in histogram.items():
                whole[bucket] += n
            weeks.append(
                WeekSpeed(week, sum(histogram.values()), percentile(histogram, 0.5), percentile(histogram, 0.9))
            )
        figures.speed[metric] = weeks
        figures.overall[metric] = (percentile(whole, 0.5), percentile(whole, 0.9))

    figures.hourly = hourly_intake(end=period.end)
    if portal_id is not None:
        _narrow_to_portal(figures, portal_id)
    return figures


def hourly_intake(*, end: datetime, hours: int = 48, portal_id: int | None = None) -> list[tuple[datetime, int, int]]:
    """Reports and addresses received in each of the `hours` hours before `end`, oldest first.

    Live, not aggregated: a range on Report.received_at's index, a few
    thousand rows even at the busiest.
    """
    last_hour = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if last_hour == end:
        last_hour -= timedelta(hours=1)
    first_hour = last_hour - timedelta(hours=hours - 1)
    window = Report.objects.filter(received_at__gte=first_hour, received_at__lt=end)
    if portal_id is not None:
        window = window.filter(portal_id=portal_id)
    # Every address of a report in the window has report_id >= the window's smallest
    # report id: a bound on ReportedAddress's own index, so the planner probes a
    # slice of it instead of hashing the whole table (which it prefers otherwise).
    # "+ 0": MIN(id) alone tempts PostgreSQL to walk the primary key from the
    # oldest report until one falls in the window; this reads the window's rows only.
    first_id = window.aggregate(m=Min(F("pk") + 0))["m"]
    rows = (
        ReportedAddress.objects.filter(
            report_id__gte=first_id or 0, report__received_at__gte=first_hour, report__received_at__lt=end
        )
        .filter(**({"report__portal_id": portal_id} if portal_id is not None else {}))
        .annotate(h=TruncHour("report__received_at", tzinfo=UTC))
        .values_list("h")
        .annotate(addresses=Count("id"), reports=Count("report_id", distinct=True))
        .order_by()
    )
    found = {h: (r, a) for h, a, r in rows}
    out = []
    for i in range(hours):
        hour = first_hour + timedelta(hours=i)
        reports, addresses = found.get(hour, (0, 0))
        out.append((hour, reports, addresses))
    return out


@dataclass(frozen=True)
class QueueNow:
    waiting: int
    oldest_reported_at: datetime | None

    @property
    def oldest_age(self) -> timedelta | None:
        return timezone.now() - self.oldest_reported_at if self.oldest_reported_at else None


def queue_now() -> QueueNow:
    """The analysts' queue as it stands: how many wait, and since when the oldest.

    Both go through triage's partial index of waiting rows. Records get their
    ids when first reported, so the smallest waiting id is the oldest.
    """
    waiting = TriageState.objects.filter(status__in=WAITING)
    oldest = waiting.order_by("record_id").values_list("record__first_reported_at", flat=True).first()
    return QueueNow(waiting=waiting.count(), oldest_reported_at=oldest)


@dataclass(frozen=True)
class AnalystRow:
    username: str
    assessments: int
    criminal: int
    not_criminal: int


def analyst_figures(*, period: Period) -> list[AnalystRow]:
    """Each analyst's assessments in the period, alphabetically: for managers, never a ranking."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    summed = _in(period).filter(metric=Metric.ANALYST_OUTCOME).values_list("key").annotate(n=Sum("count")).order_by()
    for key, n in summed:
        analyst_id, _, outcome = key.partition("|")
        per[int(analyst_id)]["criminal" if outcome in CRIMINAL_OUTCOMES else "not_criminal"] += n
    names = dict(get_user_model().objects.filter(pk__in=per).values_list("pk", "username"))
    rows = [
        AnalystRow(names.get(pk, f"user {pk}"), c["criminal"] + c["not_criminal"], c["criminal"], c["not_criminal"])
        for pk, c in per.items()
    ]
    return sorted(rows, key=lambda row: row.username.casefold())


def refreshed_at() -> datetime | None:
    return StatsRefresh.objects.filter(pk=1).values_list("finished_at", flat=True).first()
