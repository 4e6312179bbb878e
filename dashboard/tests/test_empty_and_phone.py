"""A fresh installation's dashboard says why it is empty and what fills it; a chart of zeros says
'No figures in this period' instead of a flat chart or a table of 0; on a phone, charts keep a
legible size inside their own focusable scroll box."""

import pytest
from django.urls import reverse

from dashboard.charts import Chart

pytestmark = pytest.mark.django_db


def chart(rows) -> Chart:
    return Chart(key="k", title="T", description="", columns=["day", "n"], rows=rows)


def test_a_chart_of_zeros_is_empty_and_one_figure_is_not():
    assert chart([]).empty
    assert chart([["2026-11-05", 0], ["2026-11-06", 0]]).empty
    assert not chart([["2026-11-05", 0], ["2026-11-06", 3]]).empty
    assert not chart([["Category A", 0.5]]).empty


def test_a_fresh_install_says_no_reports_yet_and_draws_no_tables_of_zeros(manager_client):
    page = manager_client.get(reverse("dashboard:dashboard")).content.decode()
    assert "No reports yet." in page and "seed_demo" in page
    assert "No figures in this period." in page
    assert "<details" not in page.split('id="machinery"')[0], "no table of zeros is offered"


def test_with_reports_the_notice_goes_and_charts_sit_in_focusable_boxes(manager_client):
    from dashboard.aggregates import stats_rebuild
    from dashboard.seeding import seed

    seed(reports=200, seed=3, say=lambda _: None)
    stats_rebuild()
    page = manager_client.get(reverse("dashboard:dashboard")).content.decode()
    assert "No reports yet." not in page
    assert (
        'class="dash-plot scroll-region" tabindex="0" role="region" aria-label="Reports received per day: chart"'
        in page
    )
