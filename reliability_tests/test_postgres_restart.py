"""PostgreSQL restarted under load: a clear 503 or a confirmation, never a half-written report.

Clients keep sending reports while the private cluster is restarted
(`pg_ctl restart -m fast`, which ends every connection and transaction)
twice. Each answer must be a confirmation or the plain 503 page with
Retry-After; afterwards every report has all its addresses, the site takes
reports again by itself, and every record is enriched once.
"""

from __future__ import annotations

import threading
import time

import pytest

from reliability_tests.checks import assert_enriched_once, assert_stored_once, enrichment_states
from reliability_tests.harness import Reporter, wait_for, write_figures
from testsupport.loopback import LoopbackServer, Reply

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(600)]
CLIENTS = 6
RESTARTS = 2
RECOVERY_LIMIT_SECONDS = 15


def test_a_postgres_restart_under_load_gives_503_pages_and_no_half_written_report(make_site, private_postgres):
    server = LoopbackServer(lambda request: Reply(200, [("Content-Type", "text/html")])).start()
    site = make_site(CHECK_ALLOW_PORTS=str(server.port))
    site.web()
    site.worker(concurrency=2)
    site.beat()

    answers, lock, stop = [], threading.Lock(), threading.Event()
    counter = iter(range(10**6))

    def client(_n: int) -> None:
        reporter = Reporter(site.base)
        while not stop.is_set():
            with lock:
                i = next(counter)
            answer = reporter.report([server.url(f"/pg-{i}"), server.url(f"/pg-shared-{i % 7}")])
            with lock:
                answers.append((time.monotonic(), answer))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    recoveries = []
    for _ in range(RESTARTS):
        time.sleep(4)
        began = time.monotonic()
        private_postgres.restart()
        back = time.monotonic()
        # Served again by itself: the first confirmation after the cluster is back.
        wait_for(
            lambda since=back: any(t > since and a.reference for t, a in answers),
            RECOVERY_LIMIT_SECONDS,
            "the site to take reports again after the restart",
            interval=0.05,
        )
        first = min(t for t, a in answers if t > back and a.reference)
        recoveries.append((back - began, first - back))
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=40)

    confirmed = [a.reference for _, a in answers if a.reference]
    unavailable = [a for _, a in answers if a.status == 503]
    other = [(a.status, a.error, a.body[:200]) for _, a in answers if not a.reference and a.status != 503]
    records = site.scalar("SELECT count(*) FROM reports_urlrecord")
    wait_for(
        lambda: "new" not in enrichment_states(site) and "queued" not in enrichment_states(site), 120, "enrichment"
    )
    states = enrichment_states(site)
    server.stop()
    write_figures(
        "postgres_restart",
        {
            "answers": len(answers),
            "confirmations": len(confirmed),
            "503 pages": len(unavailable),
            "anything else": len(other),
            "restarts (pg_ctl, fast)": RESTARTS,
            "restart took / first confirmation after": ", ".join(f"{a:.1f} s / {b:.2f} s" for a, b in recoveries),
            "records / enrichment states": f"{records} / {states}",
        },
    )
    assert not other, f"answers that were neither a confirmation nor a 503 page: {other[:3]}"
    assert unavailable, "no request met the restart: it proved nothing"
    for answer in unavailable:
        assert answer.retry_after and "Service briefly unavailable" in answer.body
    assert_stored_once(site, confirmed, addresses_per_report=2)
    assert_enriched_once(site)
