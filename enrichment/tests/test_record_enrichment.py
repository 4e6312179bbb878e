"""record_enrich: one record from new to enriched (or failed), with exactly one set of results."""

from __future__ import annotations

import pytest

from enrichment import hosting, liveness, services
from enrichment.models import HostAddress, LivenessCheck
from testsupport.enrichment import jpeg_reply_headers, make_record
from testsupport.loopback import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_server(serve):
    return serve(lambda request: Reply(200, jpeg_reply_headers()))


@pytest.fixture
def longest_delays(monkeypatch):
    """Backoff without jitter: each delay is the top of its range."""
    monkeypatch.setattr(services.random, "uniform", lambda low, high: high)


def dns_failing_with(monkeypatch, exc: BaseException) -> list[str]:
    asked = []

    def resolve(host, **kwargs):
        asked.append(host)
        raise exc

    monkeypatch.setattr(hosting, "resolve_addresses", resolve)
    return asked


def test_an_ip_literal_loopback_address_is_enriched(image_server):
    record = make_record(image_server.url("/a.jpg"))

    outcome = services.record_enrich(record_id=record.pk)

    assert outcome == services.EnrichOutcome("enriched")
    record.refresh_from_db()
    assert record.enrichment_state == "enriched"
    assert record.enriched_at is not None and record.enrichment_error == ""
    assert record.registrable_domain == ""  # an IP address has no registrable domain
    assert list(record.host_addresses.values_list("ip", flat=True)) == ["127.0.0.1"]
    check = record.liveness_checks.get()
    assert (check.outcome, check.status_code, check.content_type, check.connected_ip) == (
        "ok",
        200,
        "image/jpeg",
        "127.0.0.1",
    )
    assert record.online is True and record.last_checked_at == check.checked_at


def test_a_transient_dns_failure_asks_for_a_retry_with_a_delay_and_notes_the_error(monkeypatch, longest_delays):
    dns_failing_with(monkeypatch, hosting.LookupFailed("example.com", "SERVFAIL"))
    record = make_record("http://example.com/a")

    first = services.record_enrich(record_id=record.pk)
    second = services.record_enrich(record_id=record.pk)

    assert first == services.EnrichOutcome("retry", 10.0)
    assert second == services.EnrichOutcome("retry", 20.0)
    record.refresh_from_db()
    assert record.enrichment_state == "new"  # still pending, so the sweep would find it too
    assert record.enrichment_attempts == 2
    assert "LookupFailed" in record.enrichment_error and "SERVFAIL" in record.enrichment_error
    assert not LivenessCheck.objects.exists()


def test_a_dns_failure_that_lasts_marks_the_record_failed_after_the_last_attempt(monkeypatch, settings):
    settings.ENRICH_MAX_ATTEMPTS = 3
    asked = dns_failing_with(monkeypatch, hosting.LookupFailed("example.com", "timed out"))
    record = make_record("http://example.com/a")

    outcomes = [services.record_enrich(record_id=record.pk).result for _ in range(5)]

    assert outcomes == ["retry", "retry", "failed", "skipped", "skipped"]
    assert len(asked) == 3
    record.refresh_from_db()
    assert record.enrichment_state == "failed"
    assert "timed out" in record.enrichment_error


def test_an_error_that_a_retry_cannot_fix_marks_the_record_failed_at_once(monkeypatch):
    dns_failing_with(monkeypatch, ValueError("not a valid host name"))
    record = make_record("http://example.com/a")

    outcome = services.record_enrich(record_id=record.pk)

    assert outcome.result == "failed"
    record.refresh_from_db()
    assert (record.enrichment_state, record.enrichment_attempts) == ("failed", 1)
    assert record.enrichment_error == "ValueError: not a valid host name"


def test_enriching_the_same_record_twice_leaves_one_set_of_results(image_server):
    record = make_record(image_server.url("/a.jpg"))

    outcomes = [services.record_enrich(record_id=record.pk).result for _ in range(2)]

    assert outcomes == ["enriched", "skipped"]
    assert LivenessCheck.objects.filter(record=record).count() == 1
    assert HostAddress.objects.filter(record=record).count() == 1
    assert len(image_server.requests) == 1


def test_a_duplicate_delivery_finishing_first_leaves_one_set_of_results(image_server, monkeypatch):
    record = make_record(image_server.url("/a.jpg"))
    real_check = liveness.check_url
    inner: list[services.EnrichOutcome] = []
    calls = []

    def check_while_a_duplicate_runs(url, **kwargs):
        # The same task delivered twice: the second copy runs to the end while
        # the first is still checking.
        calls.append(url)
        if len(calls) == 1:
            inner.append(services.record_enrich(record_id=record.pk))
        return real_check(url, **kwargs)

    monkeypatch.setattr(liveness, "check_url", check_while_a_duplicate_runs)

    outer = services.record_enrich(record_id=record.pk)

    assert inner == [services.EnrichOutcome("enriched")]
    assert outer == services.EnrichOutcome("skipped")
    assert LivenessCheck.objects.filter(record=record).count() == 1
    assert HostAddress.objects.filter(record=record).count() == 1


def test_a_record_already_enriched_is_skipped_without_a_check(image_server):
    record = make_record(image_server.url("/a.jpg"), enrichment_state="enriched")

    outcome = services.record_enrich(record_id=record.pk)

    assert outcome == services.EnrichOutcome("skipped")
    assert image_server.requests == []
    assert not LivenessCheck.objects.exists()
    record.refresh_from_db()
    assert record.enrichment_attempts == 0


def test_a_record_that_is_gone_is_skipped():
    assert services.record_enrich(record_id=987654).result == "skipped"
