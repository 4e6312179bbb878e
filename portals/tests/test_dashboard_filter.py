"""The managers' dashboard narrowed to one portal: its reports, addresses, where found and outcomes."""

from datetime import UTC

import pytest
from django.utils import timezone

from dashboard.aggregates import stats_rebuild
from dashboard.models import Metric
from dashboard.selectors import Period, dashboard_figures
from reports.models import Report, ReportedAddress
from testsupport.portals import default_portal, portal
from testsupport.triage import assess, enriched_record

pytestmark = pytest.mark.django_db


def reported(*records, through, reference: str, found_on: str = "website"):
    report = Report.objects.create(
        reference=reference, receipt_hash="x", seen="images", found_on=found_on, portal=through
    )
    for position, record in enumerate(records):
        ReportedAddress.objects.create(report=report, record=record, as_typed=record.url, position=position)
    return report


@pytest.fixture
def data(analyst):
    nl, main = portal("nl"), default_portal()
    a, b, c = (enriched_record(f"http://site.example/{n}") for n in "abc")
    reported(a, b, through=nl, reference="R1", found_on="social")
    reported(c, through=main, reference="R2")
    reported(a, through=None, reference="R3")  # the member API: no portal
    assess(analyst, a, "not_illegal")
    assess(analyst, c, "outside_remit")
    stats_rebuild()
    return nl, main


def today_period() -> Period:
    today = timezone.now().astimezone(UTC).date()
    return Period(today, today)


def test_all_portals_count_every_report(data):
    figures = dashboard_figures(period=today_period())
    assert figures.total(Metric.REPORTS) == 3
    assert figures.total(Metric.ADDRESSES) == 4


def test_one_portal_counts_its_reports_addresses_and_outcomes(data):
    nl, main = data
    figures = dashboard_figures(period=today_period(), portal_id=nl.pk)
    today = today_period().first
    assert figures.daily[Metric.REPORTS] == {today: 1}
    assert figures.daily[Metric.ADDRESSES] == {today: 2}
    assert figures.totals[Metric.FOUND_ON] == {"social": 1}
    assert figures.totals[Metric.ASSESSMENTS] == {"not_illegal": 1}
    assert sum(reports for _hour, reports, _addresses in figures.hourly) == 1
    other = dashboard_figures(period=today_period(), portal_id=main.pk)
    assert other.totals[Metric.ASSESSMENTS] == {"outside_remit": 1}
    assert other.totals[Metric.FOUND_ON] == {"website": 1}


def test_the_dashboard_page_filters_by_portal(data, manager_client):
    nl, _main = data
    page = manager_client.get("/dashboard/", {"portal": nl.pk})
    assert page.status_code == 200
    assert page.context["figures"].total(Metric.REPORTS) == 1
    assert f"Portal {nl.name}:" in page.content.decode()
    assert f"portal={nl.pk}" in page.context["period_query"]
    everything = manager_client.get("/dashboard/")
    assert everything.context["figures"].total(Metric.REPORTS) == 3


def test_the_filtered_csv_names_its_portal(data, manager_client):
    nl, _main = data
    response = manager_client.get("/dashboard/", {"portal": nl.pk, "format": "csv", "chart": "reports_daily"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-nl.csv"')
    assert f"{today_period().first},1" in response.content.decode()
