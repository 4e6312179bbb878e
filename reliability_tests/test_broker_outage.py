"""Reports sent while the broker is stopped are stored once and enriched once after it returns.

Real form posts (CSRF cookie and token, the form's signed timing token) go to
gunicorn on a private PostgreSQL; a Celery worker and beat run on a private
Redis, which is killed (nothing persisted: its queued messages die with it)
for RELIABILITY_BROKER_OUTAGE_SECONDS in the middle of RELIABILITY_REPORTS
submissions, paced so that reports keep arriving for the whole outage.
"""

from __future__ import annotations

import threading
import time

import pytest

from reliability_tests.checks import assert_enriched_once, assert_stored_once, enrichment_states
from reliability_tests.harness import BROKER_OUTAGE_SECONDS, REPORTS, Answer, Reporter, wait_for, write_figures
from testsupport.loopback import LoopbackServer, Reply

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(900)]
CLIENTS = 6
SHARED = 20  # addresses that many reports name: one record each, counted once per report


def test_a_broker_outage_loses_no_report_and_enriches_each_once(make_site):
    server = LoopbackServer(lambda request: Reply(200, [("Content-Type", "text/html")])).start()
    site = make_site(CHECK_ALLOW_PORTS=str(server.port))
    site.web()
    site.worker(concurrency=3)
    site.beat()

    def addresses(i: int) -> list[str]:
        return [server.url(f"/report-{i}"), server.url(f"/shared-{i % SHARED}")]

    answers: dict[int, Answer] = {}
    durations: dict[int, float] = {}

    def submit(indices: list[int], schedule: dict[int, float] | None = None) -> float:
        lock, pending = threading.Lock(), list(reversed(indices))

        def client(_n: int) -> None:
            reporter = Reporter(site.base)
            while True:
                with lock:
                    if not pending:
                        return
                    i = pending.pop()
                if schedule:
                    time.sleep(max(0.0, schedule[i] - time.monotonic()))
                began = time.monotonic()
                answers[i] = reporter.report(addresses(i))
                durations[i] = time.monotonic() - began

        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - began

    before, during = REPORTS // 4, REPORTS // 2
    phase_before = submit(list(range(before)))

    site.broker.stop()
    stopped = time.monotonic()
    spacing = BROKER_OUTAGE_SECONDS / during
    outage_ids = list(range(before, before + during))
    submit(outage_ids, {i: stopped + (i - before) * spacing for i in outage_ids})
    time.sleep(max(0.0, stopped + BROKER_OUTAGE_SECONDS - time.monotonic()))
    left_new = enrichment_states(site).get("new", 0)
    site.broker.start()
    returned = time.monotonic()
    outage = returned - stopped

    phase_after = submit(list(range(before + during, REPORTS)))

    references = [a.reference for a in answers.values() if a.reference]
    refused = {i: (a.status, a.error) for i, a in answers.items() if not a.reference}
    records = site.scalar("SELECT count(*) FROM reports_urlrecord")
    wait_for(lambda: enrichment_states(site) == {"enriched": records}, 240, f"all {records} records enriched")
    recovered = time.monotonic() - returned
    attempts = assert_enriched_once(site)
    server.stop()

    write_figures(
        "broker_outage",
        {
            "reports sent": len(answers),
            "confirmations": len(references),
            "without confirmation": len(refused),
            "records": records,
            "reports/s before outage": f"{before / phase_before:.1f} ({CLIENTS} clients, 2 gunicorn workers)",
            "reports/s after outage": f"{(REPORTS - before - during) / phase_after:.1f}",
            "broker outage": f"{outage:.1f} s, {during} reports sent during it",
            "slowest submission in outage": f"{max(durations[i] for i in outage_ids):.2f} s",
            "records left new by the outage": left_new,
            "broker back → all enriched": f"{recovered:.1f} s",
            "enrichment attempts per record": attempts,
        },
    )
    assert not refused, f"{len(refused)} submission(s) got no confirmation: {list(refused.items())[:5]}"
    assert left_new >= during // 2, "the outage did not keep records from the broker: it proved nothing"
    assert_stored_once(site, references, addresses_per_report=2)
    assert records == REPORTS + min(SHARED, REPORTS)
