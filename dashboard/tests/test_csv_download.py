"""Each chart's figures as CSV: safe to open in a spreadsheet, and on the audit trail."""

import csv
import io

import pytest

from dashboard.aggregates import stats_rebuild
from staff.models import AuditEvent
from testsupport import dashboard_data as known_data
from testsupport.dashboard_data import WEEK_QUERY
from testsupport.personas import make_staff

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_chart_downloads_as_csv_with_its_figures(analyst, senior, senior2, manager_client):
    known_data.build(analyst, senior, senior2)
    stats_rebuild()
    response = manager_client.get("/dashboard/", {**WEEK_QUERY, "format": "csv", "chart": "countries"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="dashboard-countries-2026-03-02-2026-03-08.csv"' in response["Content-Disposition"]
    assert _rows(response) == [["country", "confirmed records", "share"], ["GB", "1", "0.5"], ["NL", "1", "0.5"]]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(senior, manager_client):
    sly = make_staff("analyst", "=HYPERLINK(1)")
    record = known_data.make_record("echo", known_data.at(2, 8))
    known_data.make_report(known_data.at(2, 8), "website", record)
    known_data.assess(record, sly, "not_illegal", known_data.at(2, 9))
    stats_rebuild()
    response = manager_client.get("/dashboard/", {**WEEK_QUERY, "format": "csv", "chart": "analysts"})
    assert ["'=HYPERLINK(1)", "1", "0", "1"] in _rows(response)


def test_every_download_is_audited_and_viewing_is_not(manager_client, manager):
    manager_client.get("/dashboard/", WEEK_QUERY)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).exists()
    manager_client.get("/dashboard/", {**WEEK_QUERY, "format": "csv", "chart": "reports_daily"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED)
    assert event.actor == manager
    assert event.details == {"chart": "reports_daily", "start": "2026-03-02", "end": "2026-03-08"}


def test_an_unknown_chart_is_a_404_and_not_audited(manager_client):
    response = manager_client.get("/dashboard/", {"format": "csv", "chart": "nope"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).exists()
