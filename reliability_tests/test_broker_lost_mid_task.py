"""The worker survives losing the broker while a task is running, and consumes again when it returns.

The exact moment of the full-size broker-outage test's failure, made every
time: one enrichment is running (acknowledged late, so its message is held
unacknowledged by the worker's channel) and the worker's other pool slots are
free, so a BRPOP is waiting on the broker. The broker is killed. Celery
5.7.0 closes the lost connection a second time after collecting it, and the
half-closed channel's attempt to restore the unacknowledged message meets a
transport already detached from its connection ("'NoneType' object has no
attribute 'hostname'"): an "Unrecoverable error", and the worker exits.
reportsite.celery.BrokerLossConsumer (CELERY_WORKER_CONSUMER) works around
it. Here the worker must stay up, and a report sent after the broker returns
must be enriched.
"""

from __future__ import annotations

import threading
import time

import pytest

from reliability_tests.checks import enrichment_states
from reliability_tests.harness import Reporter, wait_for, write_figures
from testsupport.loopback import LoopbackServer, Reply

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(300)]
SLOW_SECONDS = 20  # the first check's answer: under CHECK_TOTAL_TIMEOUT (30 s)
OUTAGE_SECONDS = 5


def test_the_worker_survives_a_broker_lost_mid_task(make_site):
    began_slow = threading.Event()

    def reply(request):
        if request.target.startswith("/slow"):
            began_slow.set()
            time.sleep(SLOW_SECONDS)
        return Reply(200, [("Content-Type", "text/html")])

    server = LoopbackServer(reply).start()
    site = make_site(CHECK_ALLOW_PORTS=str(server.port))
    site.web()
    worker = site.worker(concurrency=3)
    site.beat()
    reporter = Reporter(site.base)

    assert reporter.report([server.url("/slow")]).reference
    assert began_slow.wait(60), "the slow enrichment never started"
    assert worker.alive

    site.broker.stop()
    time.sleep(OUTAGE_SECONDS)
    site.broker.start()
    returned = time.monotonic()

    assert reporter.report([server.url("/after")]).reference
    after = site.scalar("SELECT id FROM reports_urlrecord WHERE url LIKE %s", "%/after")

    def enriched_or_worker_gone():
        state = site.scalar("SELECT enrichment_state FROM reports_urlrecord WHERE id = %s", after)
        return state == "enriched" or not worker.alive

    # Published by the request, or, if that met the broker still coming back, by beat's sweep.
    wait_for(enriched_or_worker_gone, 90, "the report sent after the outage to be enriched, or the worker to exit")
    recovered = time.monotonic() - returned
    log = worker.log()
    server.stop()

    write_figures(
        "broker_lost_mid_task",
        {
            "broker outage": f"{OUTAGE_SECONDS} s, killed while one enrichment ran ({SLOW_SECONDS} s answer)",
            "worker alive after": worker.alive,
            "broker back → new report enriched": f"{recovered:.1f} s",
            "states": enrichment_states(site),
        },
    )
    crashed = "Unrecoverable error" in log
    assert not crashed, "the worker crashed on the lost broker:\n" + log[log.find("Unrecoverable error") :][:3000]
    assert worker.alive, "the worker exited after the broker was lost: " + log[-3000:]
