"""On PostgreSQL, no dashboard query scans a whole large table (EXPLAIN shows no Seq Scan on them).

The figures come from the daily aggregates; the live parts (the last 48
hours, the queue, the machinery) must go through indexes. The test seeds a
year of synthetic history, ANALYZEs it so the planner sees real sizes, then
EXPLAINs every query the page ran.
"""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.aggregates import stats_refresh
from dashboard.seeding import seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
LARGE = ("reports_report", "reports_urlrecord", "reports_reportedaddress", "triage_triagestate")


def _plans(queries) -> list[tuple[str, str]]:
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def _seq_scans(plans) -> list[str]:
    return [f"{sql}\n{plan}" for sql, plan in plans if any(f"Seq Scan on {table}" in plan for table in LARGE)]


@pytest.fixture
def year_of_history(analyst, senior, senior2, manager):
    # The personas first: seeding would otherwise make demo accounts with the same names.
    seed(reports=30_000, seed=5, now=datetime.now(UTC), say=lambda _: None)


def test_the_dashboard_reads_large_tables_only_through_indexes(year_of_history, manager_client):
    cache.clear()  # the machinery section runs its queries too
    for query in ({}, {"start": "2025-01-01", "end": "2099-12-31"}):
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get("/dashboard/", query).status_code == 200
        plans = _plans(captured.captured_queries)
        touched = [sql for sql, _ in plans if any(table in sql for table in LARGE)]
        assert touched, "the page should read the queue and the last 48 hours live"
        assert _seq_scans(plans) == []


def test_the_refresh_reads_reports_and_addresses_through_indexes(year_of_history):
    with CaptureQueriesContext(connection) as captured:
        stats_refresh()
    plans = [(sql, plan) for sql, plan in _plans(captured.captured_queries) if "reports_" in sql]
    assert plans
    assert _seq_scans(plans) == []
