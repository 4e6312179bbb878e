"""Exactly once with real Celery workers on Redis and PostgreSQL, and a worker killed in the middle of a send.

The SMTP server stalls mid-conversation (at RCPT, before any of the message
is sent), so the first worker is killed (SIGKILL, the whole process group)
while it waits: nothing was delivered. Its leases then lapse, the beat's pass queues the
batches again, a second worker sends them, and each recipient has exactly
one message.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from takedown.models import NoticeBatch, Takedown
from takedown.notices.dispatch import notices_dispatch
from testsupport.services import TEST_REDIS_URL, WorkerProcess, wait_for
from testsupport.smtp_server import SmtpServer
from testsupport.takedown import confirm, host, located_record

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]
RECIPIENTS = {"abuse@first-host.net": "192.0.2", "abuse@second-host.net": "198.51.100"}


class NoticesWorker(WorkerProcess):
    """The root conftest's worker, consuming only the "notices" queue."""

    def __init__(self, tmp_path, **kwargs) -> None:
        super().__init__(tmp_path, queues="notices", **kwargs)


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def start_notices_worker(tmp_path, smtp):
    workers: list[NoticesWorker] = []
    env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_TIMEOUT_SECONDS": "60",  # longer than the test waits before the kill
    }

    def start() -> NoticesWorker:
        worker = NoticesWorker(tmp_path, extra_env=env, concurrency=2)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def all_sent() -> bool:
    return not NoticeBatch.objects.exclude(state="sent").exists()


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    analyst, senior, settings, smtp, start_notices_worker, use_broker, redis_flush
):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    for email, net in RECIPIENTS.items():
        host(email.split("@")[1], cidrs=f"{net}.0/24", email=email)
        for i in range(2):
            confirm(
                located_record(f"http://{net}.example/{i}", country="GB", ips=(f"{net}.{10 + i}",)), analyst, senior
            )
    use_broker(TEST_REDIS_URL)
    smtp.stall = True

    # The beat's pass: two batches, queued to Redis as they commit.
    assert notices_dispatch()["batched"] == 2
    first = start_notices_worker()
    wait_for(lambda: smtp.stalled >= 2, timeout=90, message="both sends to stall mid-conversation")
    first.kill()

    assert smtp.per_recipient() == {}, "killed too late to prove anything"
    assert set(NoticeBatch.objects.values_list("state", "attempts")) == {("sending", 1)}

    # Time passes: the dead worker's leases lapse (by hand: a real lease outlasts the task time limit).
    smtp.stall = False
    NoticeBatch.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert notices_dispatch() == {"batched": 0, "due": 2, "queued": 2}
    start_notices_worker()
    wait_for(all_sent, timeout=90, message="both batches sent after the kill")

    assert smtp.per_recipient() == dict.fromkeys(RECIPIENTS, 1)
    assert set(NoticeBatch.objects.values_list("state", "attempts")) == {("sent", 2)}
    for email in RECIPIENTS:
        [message] = smtp.received(email)
        batch = NoticeBatch.objects.get(recipient__email=email)
        assert message["Message-ID"] == f"<{batch.key}@reportsite>"
        assert batch.notices.count() == 2
    assert set(Takedown.objects.values_list("status", flat=True)) == {Takedown.Status.NOTICE_SENT}


def test_a_batch_is_sent_by_a_real_worker_right_after_it_is_made(
    analyst, senior, settings, smtp, start_notices_worker, use_broker, redis_flush
):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    host("first-host.net", cidrs="192.0.2.0/24", email="abuse@first-host.net")
    confirm(located_record("http://192.0.2.example/a", country="GB"), analyst, senior)
    start_notices_worker()
    use_broker(TEST_REDIS_URL)
    assert notices_dispatch() == {"batched": 1, "due": 0, "queued": 0}
    wait_for(all_sent, timeout=90, message="the batch sent by the worker")
    assert smtp.per_recipient() == {"abuse@first-host.net": 1}
