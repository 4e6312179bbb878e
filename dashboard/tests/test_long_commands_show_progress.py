"""seed_demo, dashboard_rebuild and urllist_sync say how far they have got, and nothing at -v 0;
a seeded demo's URL list is filled at once (no urllist_sync needed)."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from dashboard import aggregates
from dashboard.aggregates import stats_compute, stats_rebuild
from dashboard.models import DailyStat
from dashboard.seeding import seed
from memberapi import sequencing
from memberapi.models import Listing
from takedown.models import CLOSED, Takedown

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_a_seeded_demo_has_its_url_list_filled():
    said = []
    seed(reports=400, seed=5, now=NOW, say=said.append)
    open_takedowns = set(Takedown.objects.exclude(status__in=CLOSED).values_list("record_id", flat=True))
    listed = set(Listing.objects.filter(removed_position__isnull=True).values_list("record_id", flat=True))
    assert open_takedowns and listed == open_takedowns
    assert any(line.startswith("URL list:") for line in said)
    assert run("urllist_sync", verbosity=0) == "", "nothing was left to sync"


def test_seed_demo_shows_progress_and_is_silent_at_verbosity_0():
    assert run("seed_demo", reports=150, verbosity=0) == ""


def test_seed_demo_says_each_step_at_verbosity_1():
    out = run("seed_demo", reports=150, verbosity=1)
    for words in ["generated", "reports_report", "aggregates up to", "URL list:", "150 reports"]:
        assert words in out, words


def test_dashboard_rebuild_reports_each_window_of_days(monkeypatch):
    seed(reports=300, seed=2, now=NOW, say=lambda _: None)
    monkeypatch.setattr(aggregates, "REBUILD_WINDOW_DAYS", 90)
    out = run("dashboard_rebuild", verbosity=1)
    windows = [line for line in out.splitlines() if line.strip().startswith("read ")]
    assert len(windows) >= 4, out  # a year of history in 90-day windows
    assert out.splitlines()[-1].endswith("s") and "aggregate rows written" in out
    assert run("dashboard_rebuild", verbosity=0) == ""


def test_rebuilding_in_windows_gives_the_same_aggregates_as_one_pass(monkeypatch):
    seed(reports=300, seed=4, now=NOW, say=lambda _: None)
    monkeypatch.setattr(aggregates, "REBUILD_WINDOW_DAYS", 7)
    stats_rebuild(today=NOW.date())
    windowed = set(DailyStat.objects.values_list("day", "metric", "key", "count"))
    first = min(day for day, *_ in windowed)
    whole = {(day, metric, key, n) for (day, metric, key), n in stats_compute(first=first, last=NOW.date()).items()}
    assert windowed == whole


def test_urllist_sync_reports_progress(monkeypatch):
    seed(reports=400, seed=5, now=NOW, say=lambda _: None)
    Listing.objects.all().delete()
    from memberapi.models import ListChange

    ListChange.objects.all().delete()
    monkeypatch.setattr(sequencing, "SYNC_PROGRESS_EVERY", 2)
    out = run("urllist_sync", verbosity=1)
    total = Takedown.objects.exclude(status__in=CLOSED).count()
    assert f"2 of {total:,} records settled" in out and f"{total:,} of {total:,} records settled" in out
    assert out.splitlines()[-1] == f"{total} added to the URL list, 0 taken off"
