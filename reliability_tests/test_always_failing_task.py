"""A task that always fails ends as failed after its retries, shows on the dashboard's figures, and stops.

The address's host name times out at every DNS look-up (a transient error,
LookupFailed), so each attempt asks to be retried, with backoff and jitter,
until ENRICH_MAX_ATTEMPTS. Then the record is failed with its error,
/metrics (the dashboard's machinery figures) counts it, and nothing runs it
again: neither the retries nor the sweep.
"""

from __future__ import annotations

import re
import time

import pytest
import requests

from reliability_tests.harness import Reporter, wait_for, write_figures

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(300)]
MAX_ATTEMPTS = 3
QUIET_SECONDS = 20  # four sweeps: nothing may run the record again


def failed_on_metrics(site) -> int:
    response = requests.get(site.base + "/metrics", headers={"Authorization": "Bearer reliability-metrics"}, timeout=10)
    assert response.status_code == 200
    found = re.search(r'^reportsite_enrichment_records\{state="failed"\} (\d+)', response.text, re.MULTILINE)
    assert found, response.text[:2000]
    return int(found.group(1))


def test_an_always_failing_enrichment_ends_failed_on_the_dashboard_and_stops(make_site):
    site = make_site(ENRICH_MAX_ATTEMPTS=str(MAX_ATTEMPTS))
    site.web()
    worker = site.worker(concurrency=2)
    site.beat()
    assert failed_on_metrics(site) == 0

    began = time.monotonic()
    answer = Reporter(site.base).report(["http://never.dns-fails.invalid/page"])
    assert answer.reference

    def state():
        return site.rows("SELECT enrichment_state, enrichment_attempts, enrichment_error FROM reports_urlrecord")[0]

    wait_for(lambda: state()[0] == "failed", 120, "the record to be marked failed")
    took = time.monotonic() - began
    _, attempts, error = state()
    runs = worker.log().count("enrichment.tasks.enrich_record[")
    wait_for(lambda: failed_on_metrics(site) == 1, 20, "the failure on the dashboard's figures")
    time.sleep(QUIET_SECONDS)
    later_runs = worker.log().count("enrichment.tasks.enrich_record[")
    write_figures(
        "always_failing_task",
        {
            "attempts before failed": f"{attempts} (ENRICH_MAX_ATTEMPTS={MAX_ATTEMPTS})",
            "report → failed": f"{took:.1f} s",
            "error kept": error,
            "task log lines at failure / after": f"{runs} / {later_runs} ({QUIET_SECONDS} s later)",
        },
    )
    assert attempts == MAX_ATTEMPTS
    assert "LookupFailed" in error and "dns-fails.invalid" in error
    assert state() == ("failed", MAX_ATTEMPTS, error), "the failed record was run again"
    assert later_runs == runs, "the task kept running after the record failed"
