"""/metrics: Prometheus text, only for a scraper holding METRICS_TOKEN (and, if set, from an allowed address)."""

import pytest

from dashboard.aggregates import stats_rebuild
from testsupport import dashboard_data as known_data

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-scraper-token"  # noqa: S105


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


def test_without_a_configured_token_there_is_no_such_page(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    assert response.status_code == 401 and TOKEN not in response.content.decode()


def test_the_right_token_reads_the_metrics(client, token, analyst, senior, senior2):
    known_data.build(analyst, senior, senior2)
    stats_rebuild()
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    for name in (
        "reportsite_queue_depth",
        "reportsite_queue_oldest_waiting_seconds",
        "reportsite_reports_received_total",
        "reportsite_notices_sent_total",
        "reportsite_removals_total",
        "reportsite_enrichment_records",
        "reportsite_notice_batches_failing",
    ):
        assert f"# TYPE {name} " in text
    assert "reportsite_reports_received_total 4\n" in text
    assert 'reportsite_removals_total{status="content_removed"} 1\n' in text


def test_an_allow_list_refuses_other_addresses_even_with_the_token(client, token, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7", **auth).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", **auth).status_code == 200
