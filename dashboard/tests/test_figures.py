"""The figures on a small dataset whose every number is known (see known_data)."""

from datetime import timedelta

import pytest

from dashboard.aggregates import stats_rebuild
from dashboard.buckets import bucket_of
from dashboard.models import Metric
from dashboard.selectors import Period, analyst_figures, dashboard_figures, hourly_intake
from testsupport import dashboard_data as known_data
from testsupport.dashboard_data import OUTSIDE_DAY, WEEK_FIRST, WEEK_LAST, WEEK_QUERY

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(analyst, senior, senior2):
    records = known_data.build(analyst, senior, senior2)
    stats_rebuild()
    return records


def test_it_counts_reports_and_addresses_per_day(data):
    figures = dashboard_figures(period=Period(WEEK_FIRST, WEEK_LAST))
    assert figures.daily[Metric.REPORTS] == {WEEK_FIRST: 2, WEEK_FIRST + timedelta(days=1): 1}
    assert figures.daily[Metric.ADDRESSES] == {WEEK_FIRST: 3, WEEK_FIRST + timedelta(days=1): 1}
    assert figures.totals[Metric.FOUND_ON] == {"website": 2, "social": 1}


def test_it_counts_outcomes_age_groups_site_types_and_the_actionable_share(data):
    figures = dashboard_figures(period=Period(WEEK_FIRST, WEEK_LAST))
    assert figures.totals[Metric.ASSESSMENTS] == {"criminal_a": 1, "not_illegal": 1, "criminal_b": 1}
    assert figures.actionable == (2, 3)
    assert figures.totals[Metric.AGE_GROUP] == {"7-10": 1, "11-13": 1}
    assert figures.totals[Metric.SITE_TYPE] == {"image_host": 1, "forum": 1}
    assert figures.totals[Metric.HOSTING_COUNTRY] == {"NL": 1, "GB": 1}
    assert figures.totals[Metric.REMOVED] == {"content_removed": 1, "content_unavailable": 1}


def test_percentiles_fall_in_the_bucket_of_the_true_value(data):
    figures = dashboard_figures(period=Period(WEEK_FIRST, WEEK_LAST))
    [week] = figures.speed[Metric.ASSESS_DELAY]
    assert week.week == WEEK_FIRST and week.count == 3
    # Delays 30 min, 2 h, 4 h: the median is 2 h, the 90th percentile in the 4 h bucket.
    assert bucket_of(week.median) == bucket_of(timedelta(hours=2))
    assert bucket_of(week.p90) == bucket_of(timedelta(hours=4))
    [removal] = figures.speed[Metric.REMOVAL_DELAY]
    # Removals 30 min and 1 h after the notice.
    assert timedelta(minutes=30) <= removal.median < timedelta(hours=1, minutes=30)
    assert bucket_of(removal.p90) == bucket_of(timedelta(hours=1))


def test_the_date_range_filters_every_figure(data):
    figures = dashboard_figures(period=Period(OUTSIDE_DAY, OUTSIDE_DAY))
    assert figures.daily[Metric.REPORTS] == {OUTSIDE_DAY: 1}
    assert figures.totals[Metric.ASSESSMENTS] == {"not_illegal": 1}
    assert figures.actionable == (0, 1)
    assert Metric.HOSTING_COUNTRY not in figures.totals
    assert figures.speed[Metric.REMOVAL_DELAY] == []
    empty = dashboard_figures(period=Period(WEEK_LAST, WEEK_LAST))
    assert empty.total(Metric.REPORTS) == 0 and empty.actionable == (0, 0)


def test_the_last_48_hours_are_counted_per_hour_up_to_the_end_of_the_period(data):
    hours = hourly_intake(end=known_data.at(3, 10))
    assert len(hours) == 48
    counted = {h: (r, a) for h, r, a in hours if r or a}
    assert counted == {known_data.at(2, 10): (1, 2), known_data.at(2, 12): (1, 1), known_data.at(3, 9): (1, 1)}


def test_per_analyst_figures_are_alphabetical_not_ranked(data, analyst, senior):
    rows = analyst_figures(period=Period(WEEK_FIRST, WEEK_LAST))
    assert [(r.username, r.assessments, r.criminal, r.not_criminal) for r in rows] == [
        ("analyst", 2, 2, 0),
        ("senior", 1, 0, 1),
    ]


def test_the_page_shows_the_figures_as_svg_with_tables(data, manager_client):
    response = manager_client.get("/dashboard/", WEEK_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["actionable_share"] == "66.7%"
    assert html.count("<svg") >= 10 and "<title" in html and "<desc" in html
    assert "<details" in html and "?start=2026-03-02&amp;end=2026-03-08&amp;format=csv&amp;chart=countries" in html
    # The CSP forbids inline style and script, and nothing may load from elsewhere.
    assert "style=" not in html and "<script>" not in html
    assert "http://" not in html and "https://" not in html
    # Per-analyst figures: alphabetical, no ranking words.
    assert html.index(">analyst<") < html.index(">senior<")
    assert "top analyst" not in html.lower() and "best" not in html.lower()


def test_a_bad_range_falls_back_to_the_last_30_days_and_says_so(manager_client):
    response = manager_client.get("/dashboard/", {"start": "2026-03-08", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "must not be after" in response.content.decode()
    period = response.context["period"]
    assert (period.last - period.first).days == 29
