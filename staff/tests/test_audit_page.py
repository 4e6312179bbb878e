import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine

from staff.audit import audit_record
from staff.models import AuditEvent

pytestmark = pytest.mark.django_db

A = AuditEvent.Action


def at(day: int, action: str, actor, summary: str = "") -> AuditEvent:
    with time_machine.travel(datetime(2026, 3, day, 12, tzinfo=UTC), tick=False):
        return audit_record(actor=actor, action=action, summary=summary)


@pytest.fixture
def history(analyst, senior):
    at(1, A.ASSESSED, analyst, "alpha")
    at(2, A.CONFIRMED, senior, "bravo")
    at(3, A.ASSESSED, analyst, "charlie")


@pytest.mark.parametrize("persona", ["analyst_client", "senior_client", "outsider_client"])
def test_only_managers_may_read_the_trail(request, persona):
    client = request.getfixturevalue(persona)
    for path in ("/staff/audit/", "/staff/audit/export.csv"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Not part of your role" in response.content.decode()


def test_a_manager_sees_the_trail_newest_first(manager_client, history):
    body = manager_client.get("/staff/audit/").content.decode()
    assert body.index("charlie") < body.index("bravo") < body.index("alpha")


def test_the_trail_filters_by_person_action_and_dates(manager_client, history):
    def summaries(query: str) -> list[str]:
        page = manager_client.get(f"/staff/audit/?{query}").context["page"]
        return [event.summary for event in page]

    assert summaries("actor=analyst") == ["charlie", "alpha"]
    assert summaries("actor=ANALYST&action=assessed") == ["charlie", "alpha"]
    assert summaries("action=confirmed") == ["bravo"]
    assert summaries("since=2026-03-02&until=2026-03-02") == ["bravo"]
    assert summaries("since=2026-03-02") == ["charlie", "bravo"]


def test_a_start_after_the_end_is_explained(manager_client, history):
    response = manager_client.get("/staff/audit/?since=2026-03-03&until=2026-03-01")
    assert response.status_code == 400
    assert "start date is after the end date" in response.content.decode()


def test_the_trail_is_paginated(manager_client, analyst):
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=analyst, actor_username="analyst", action=A.RECORD_VIEWED) for _ in range(120)]
    )
    first = manager_client.get("/staff/audit/?action=record_viewed")
    assert len(first.context["page"]) == 50
    assert "action=record_viewed&amp;page=2" in first.content.decode()
    last = manager_client.get("/staff/audit/?action=record_viewed&page=3")
    assert len(last.context["page"]) == 20


def test_the_csv_export_is_itself_audited_with_its_filters(manager_client, manager, history):
    response = manager_client.get("/staff/audit/export.csv?actor=analyst")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "actor", "action", "target_type", "target_id", "summary", "details"]
    assert [row[5] for row in rows[1:]] == ["charlie", "alpha"]
    export = AuditEvent.objects.get(action=A.EXPORTED)
    assert export.actor == manager
    assert export.details == {"filters": {"actor": "analyst"}, "rows": 2}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(manager_client, analyst):
    for text in ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "plain"]:
        audit_record(actor=analyst, action=A.ASSESSED, summary=text)
    response = manager_client.get("/staff/audit/export.csv?action=assessed")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    summaries = sorted(row[5] for row in rows[1:])
    assert sorted(summaries) == sorted(
        ['\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR", "plain"]
    )


def test_the_audit_link_shows_for_managers_only(manager_client, analyst_client):
    assert 'href="/staff/audit/"' in manager_client.get("/staff/").content.decode()
    assert 'href="/staff/audit/"' not in analyst_client.get("/staff/").content.decode()
