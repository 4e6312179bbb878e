"""The daily aggregates say what counting the records directly says."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from dashboard.aggregates import stats_rebuild, stats_refresh
from dashboard.models import DailyStat, Metric
from dashboard.seeding import seed
from reports.models import Report, ReportedAddress
from takedown.models import Takedown
from triage.models import CRIMINAL_OUTCOMES, Assessment

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def _stat(metric: str) -> Counter:
    rows = DailyStat.objects.filter(metric=metric).values_list("key").annotate(n=Sum("count"))
    return Counter(dict(rows))


@pytest.fixture
def seeded():
    seed(reports=600, seed=7, now=NOW, say=lambda _: None)


def test_rebuilt_aggregates_equal_live_counts(seeded):
    DailyStat.objects.all().delete()
    stats_rebuild(today=NOW.date())
    assert sum(_stat(Metric.REPORTS).values()) == Report.objects.count() == 600
    assert sum(_stat(Metric.ADDRESSES).values()) == ReportedAddress.objects.count()
    assert _stat(Metric.FOUND_ON) == Counter(Report.objects.values_list("found_on", flat=True))
    assert _stat(Metric.ASSESSMENTS) == Counter(Assessment.objects.values_list("outcome", flat=True))
    criminal = Assessment.objects.filter(outcome__in=CRIMINAL_OUTCOMES)
    assert _stat(Metric.AGE_GROUP) == Counter(criminal.values_list("age_group", flat=True))
    countries = Takedown.objects.values_list("country_code", flat=True)
    assert _stat(Metric.HOSTING_COUNTRY) == Counter(c or "??" for c in countries)
    closed = Takedown.objects.filter(closed_at__isnull=False)
    assert _stat(Metric.REMOVED) == Counter(closed.values_list("status", flat=True))
    assert sum(_stat(Metric.REMOVAL_DELAY).values()) == closed.count()
    assert sum(_stat(Metric.ASSESS_DELAY).values()) == Assessment.objects.filter(disputes__isnull=True).count()


def test_each_day_is_counted_on_its_own_utc_day(seeded):
    day = (NOW - timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    live = Report.objects.filter(received_at__gte=start, received_at__lt=start + timedelta(days=1)).count()
    assert DailyStat.objects.get(metric=Metric.REPORTS, day=day).count == live > 0


def test_a_refresh_recomputes_recent_days_and_leaves_the_same_rows_when_repeated(seeded):
    before = set(DailyStat.objects.values_list("day", "metric", "key", "count"))
    # A report arrives today: the refresh sees it; running it twice changes nothing more.
    Report.objects.create(reference="T-late", receipt_hash="0" * 64, seen="images", found_on="other", received_at=NOW)
    stats_refresh(today=NOW.date())
    stats_refresh(today=NOW.date())
    after = set(DailyStat.objects.values_list("day", "metric", "key", "count"))
    changed = after ^ before
    today = NOW.date()
    assert {(d, m, k) for d, m, k, _ in changed} == {(today, Metric.REPORTS, ""), (today, Metric.FOUND_ON, "other")}
    assert DailyStat.objects.filter(day__lt=NOW.date() - timedelta(days=1)).count() == len(
        [row for row in before if row[0] < NOW.date() - timedelta(days=1)]
    )
