"""The enrich_record task, run inline: retries are bounded by the record's attempts, never a loop."""

from __future__ import annotations

import pytest

from enrichment import hosting, tasks
from testsupport.enrichment import make_record

pytestmark = pytest.mark.django_db


def test_a_task_that_always_fails_ends_as_failed_after_its_retries_without_looping(monkeypatch, settings):
    settings.ENRICH_MAX_ATTEMPTS = 4
    asked = []

    def dns_down(host, **kwargs):
        asked.append(host)
        raise hosting.LookupFailed(host, "no reachable name server")

    monkeypatch.setattr(hosting, "resolve_addresses", dns_down)
    record = make_record("http://example.com/a")

    # In-process, a retry is left to the sweep; each sweep delivers the task again.
    results = [tasks.enrich_record.delay(record.pk).get() for _ in range(6)]

    assert results == ["left for the sweep"] * 3 + ["failed", "skipped", "skipped"]
    record.refresh_from_db()
    assert record.enrichment_state == "failed"
    assert record.enrichment_attempts == 4
    assert "no reachable name server" in record.enrichment_error
    assert len(asked) == 4


def test_the_task_reports_what_happened_to_the_record(monkeypatch):
    record = make_record("http://example.com/a", enrichment_state="enriched")

    assert tasks.enrich_record.delay(record.pk).get() == "skipped"
