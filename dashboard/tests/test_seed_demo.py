"""seed_demo: a consistent synthetic history, on reserved example hosts, never in production."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Min

from dashboard.models import DailyStat
from dashboard.seeding import generate, seed
from reports.models import Report, UrlRecord
from takedown.models import Takedown
from triage.models import Assessment, TriageState

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_a_small_run_makes_consistent_data():
    result = seed(reports=800, seed=3, now=NOW, say=lambda _: None)
    assert Report.objects.count() == 800
    assert 300 <= result.records == UrlRecord.objects.count() <= 500
    assert all(host.endswith(".example") for host in UrlRecord.objects.values_list("host", flat=True))
    received = Report.objects.aggregate(first=Min("received_at"))["first"]
    assert NOW - timedelta(days=366) < received and Report.objects.filter(received_at__gt=NOW).count() == 0
    # Counts and first-report times agree with the reports that name each record.
    for record in UrlRecord.objects.annotate(n=Count("reports"), first=Min("reports__received_at")):
        assert record.report_count == record.n and record.first_reported_at == record.first
    # Records get their ids in order of first report (the queue's "oldest waiting" relies on it).
    times = list(UrlRecord.objects.order_by("pk").values_list("first_reported_at", flat=True))
    assert times == sorted(times)
    # Four eyes: every confirmed record was confirmed by someone else and has its takedown.
    confirmed = TriageState.objects.filter(status="confirmed_criminal")
    assert confirmed.exists()
    assert Takedown.objects.count() == confirmed.count()
    for a in Assessment.objects.filter(confirmed_by__isnull=False):
        assert a.confirmed_by_id != a.analyst_id
    for t in Takedown.objects.filter(closed_at__isnull=False):
        assert t.first_notice_at < t.closed_at and t.removal_after_notice == t.closed_at - t.first_notice_at
    assert DailyStat.objects.exists()


def test_the_same_seed_gives_the_same_data():
    first, _ = generate(reports=300, seed=11, now=NOW)
    second, _ = generate(reports=300, seed=11, now=NOW)
    assert [t.rows for t in first] == [t.rows for t in second]
    other, _ = generate(reports=300, seed=12, now=NOW)
    assert [t.rows for t in other] != [t.rows for t in first]


def test_it_refuses_a_database_that_already_has_reports():
    seed(reports=50, seed=1, now=NOW, say=lambda _: None)
    with pytest.raises(CommandError, match="already holds reports"):
        call_command("seed_demo", "--reports", "50", stdout=StringIO())


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PRODUCTION"):
        call_command("seed_demo", "--reports", "50", stdout=StringIO())
    assert not Report.objects.exists()
