"""The pipeline with RabbitMQ as the broker, for both the publisher and a real worker.

TEST_RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672//) should be a
vhost kept for tests: the test empties its default and enrich queues first,
so that messages left by an interrupted run cannot be counted as ours.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

from enrichment import tasks, tracking
from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from testsupport.enrichment import make_record
from testsupport.loopback import Reply
from testsupport.reports import send_report
from testsupport.services import require, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
QUEUES = ("default", "enrich")


def rabbitmq_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=1):
            return True
    except OSError:
        return False


def purge(url: str) -> None:
    with Connection(url, connect_timeout=2) as conn:
        for name in QUEUES:
            channel = conn.channel()
            try:
                channel.queue_purge(name)
            except ChannelError:
                pass  # Not declared yet: nothing to purge (and the server closed this channel).
            else:
                channel.close()


@pytest.fixture
def rabbitmq():
    if not rabbitmq_reachable(TEST_RABBITMQ_URL):
        require("RabbitMQ", f"nothing answers at {urlsplit(TEST_RABBITMQ_URL).netloc.rpartition('@')[2]}")
    purge(TEST_RABBITMQ_URL)
    yield TEST_RABBITMQ_URL
    purge(TEST_RABBITMQ_URL)


def worker_env(server, broker_url: str) -> dict[str, str]:
    return {
        "CHECK_ALLOW_NETWORKS": "127.0.0.0/8",
        "CHECK_ALLOW_PORTS": str(server.port),
        "CELERY_BROKER_URL": broker_url,
    }


def test_a_report_is_enriched_by_a_real_worker_on_rabbitmq_after_commit(
    client, serve, start_worker, use_broker, rabbitmq, settings
):
    settings.REPORT_RATE_LIMIT = 0
    server = serve(lambda request: Reply(200, [("Content-Type", "text/html"), ("Server", "loopback")]))
    start_worker(extra_env=worker_env(server, rabbitmq))
    use_broker(rabbitmq)

    response = send_report(client, [server.url(f"/page-{i}") for i in range(3)])
    assert response.status_code == 200

    wait_for(
        lambda: UrlRecord.objects.filter(enrichment_state="enriched").count() == 3,
        timeout=90,
        message="three records enriched",
    )
    assert sorted(LivenessCheck.objects.values_list("record_id", flat=True)) == sorted(
        UrlRecord.objects.values_list("pk", flat=True)
    )
    check = LivenessCheck.objects.first()
    assert (check.outcome, check.status_code, check.server, check.method) == ("ok", 200, "loopback", "HEAD")


def test_due_rechecks_reach_a_real_worker_on_rabbitmq(serve, start_worker, use_broker, rabbitmq):
    server = serve(lambda request: Reply(200, [("Content-Type", "image/jpeg")]))
    records = [make_record(server.url(f"/tracked-{i}.jpg"), enrichment_state="enriched") for i in range(3)]
    for record in records:
        tracking.record_track(record=record)
    start_worker(extra_env=worker_env(server, rabbitmq))
    use_broker(rabbitmq)

    assert tasks.recheck_due_records() == 3  # what the beat tick runs, publishing to RabbitMQ

    wait_for(lambda: LivenessCheck.objects.count() == 3, timeout=90, message="three re-checks")
    assert sorted(LivenessCheck.objects.values_list("record_id", flat=True)) == [r.pk for r in records]
    assert set(UrlRecord.objects.values_list("online", flat=True)) == {True}
