"""The pipeline against a real Redis broker and real Celery worker processes.

Every record points at a loopback server, so the workers' liveness checks
never leave this machine. PostgreSQL is needed because the worker processes
must share the test's database.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from enrichment import pipeline
from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from reports.services import AddressInput, report_submit
from testsupport.loopback import Reply
from testsupport.reports import send_report
from testsupport.services import TEST_REDIS_URL, require, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def submit(*urls):
    return report_submit(addresses=[AddressInput(u, u) for u in urls], seen="images", found_on="website")


def worker_env(server) -> dict[str, str]:
    return {"CHECK_ALLOW_NETWORKS": "127.0.0.0/8", "CHECK_ALLOW_PORTS": str(server.port)}


def states() -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in UrlRecord.objects.values_list("enrichment_state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def all_enriched(count: int):
    return lambda: UrlRecord.objects.filter(enrichment_state="enriched").count() == count


def assert_enriched_exactly_once(count: int) -> None:
    assert states() == {"enriched": count}
    per_record = LivenessCheck.objects.values_list("record_id", flat=True)
    assert sorted(per_record) == sorted(UrlRecord.objects.values_list("pk", flat=True))


def test_a_report_is_enriched_by_a_real_worker_after_commit(
    client, serve, start_worker, use_broker, redis_flush, settings
):
    settings.REPORT_RATE_LIMIT = 0
    server = serve(lambda request: Reply(200, [("Content-Type", "text/html"), ("Server", "loopback")]))
    start_worker(extra_env=worker_env(server))
    use_broker(TEST_REDIS_URL)

    response = send_report(client, [server.url(f"/page-{i}") for i in range(3)])
    assert response.status_code == 200

    wait_for(all_enriched(3), timeout=90, message="three records enriched")
    assert_enriched_exactly_once(3)
    check = LivenessCheck.objects.first()
    assert (check.outcome, check.status_code, check.server, check.method) == ("ok", 200, "loopback", "HEAD")


class PrivateRedis:
    """A redis-server of our own, so the test can stop the broker and start it again."""

    def __init__(self):
        if not shutil.which("redis-server"):
            require("redis-server", "the redis-server program is not installed")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), timeout=10, message="redis-server to start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


def test_reports_sent_while_the_broker_is_stopped_are_enriched_once_it_returns(
    serve, start_worker, use_broker, private_redis
):
    server = serve(lambda request: Reply(200, [("Content-Type", "text/html")]))
    use_broker(private_redis.url)

    before = [submit(server.url(f"/before-{i}")) for i in range(20)]
    private_redis.stop()
    started = time.monotonic()
    during = [submit(server.url(f"/during-{i}")) for i in range(160)]
    slowest = (time.monotonic() - started) / len(during)
    private_redis.start()
    after = [submit(server.url(f"/after-{i}")) for i in range(20)]

    assert len(before) + len(during) + len(after) == 200
    assert UrlRecord.objects.count() == 200
    assert slowest < 3.0, "a submission waited too long on a dead broker"
    assert UrlRecord.objects.filter(enrichment_state="new").count() >= 160

    # The records that never reached the broker are found by the sweep.
    later = timezone.now() + timedelta(hours=1)
    while pipeline.records_sweep(now=later):
        pass
    env = worker_env(server) | {"CELERY_BROKER_URL": private_redis.url}
    start_worker(extra_env=env, concurrency=2)
    wait_for(all_enriched(200), timeout=180, message="all 200 records enriched")
    assert_enriched_exactly_once(200)


def test_a_worker_killed_mid_task_loses_nothing_and_repeats_nothing(serve, start_worker, use_broker, redis_flush):
    def slow(request):
        time.sleep(1.5)  # long enough to be killed in the middle of a check
        return Reply(200, [("Content-Type", "text/html")])

    server = serve(slow)
    use_broker(TEST_REDIS_URL)
    for i in range(12):
        submit(server.url(f"/slow-{i}"))

    first = start_worker(extra_env=worker_env(server), concurrency=2)
    wait_for(lambda: len(server.requests) >= 2, timeout=60, message="the worker to start checking")
    first.kill()
    assert UrlRecord.objects.exclude(enrichment_state="enriched").exists(), "killed too late to prove anything"

    # Unacknowledged messages come back after the visibility timeout; the
    # sweep finds them sooner. Either way a record is enriched exactly once.
    later = timezone.now() + timedelta(hours=1)
    while pipeline.records_sweep(now=later):
        pass
    start_worker(extra_env=worker_env(server), concurrency=2)
    wait_for(all_enriched(12), timeout=120, message="all 12 records enriched after the kill")
    assert_enriched_exactly_once(12)
    assert max(UrlRecord.objects.values_list("enrichment_attempts", flat=True)) <= 3
