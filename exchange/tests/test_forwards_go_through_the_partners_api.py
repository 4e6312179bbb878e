"""Our side: a record routed to a partner set up for the exchange is forwarded through its API, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from exchange.models import Forward
from takedown.models import NoticeBatch, Takedown
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from testsupport.exchange import PartnerApi, exchange_partner
from testsupport.takedown import confirm, located_record
from testsupport.triage import report_about

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    settings.HOTLINE_NAME = "Hotline GB"
    settings.NOTICE_REFERENCE_PREFIX = "GB-"
    settings.WEBHOOK_TIMEOUT = 5


@pytest.fixture
def api():
    server = PartnerApi()
    yield server
    server.stop()


def forwarded(analyst, senior, api) -> tuple[NoticeBatch, Takedown]:
    exchange_partner(api_url=api.url)
    record = located_record("http://abroad.example/gallery/1", country="NL")
    report_about(record, description="CANARY-DESCRIPTION")
    takedown = confirm(record, analyst, senior)
    [batch_id] = notices_batch()
    return NoticeBatch.objects.get(pk=batch_id), takedown


def test_it_sends_the_address_and_the_metadata_a_hotline_needs_and_nothing_of_the_reporter(analyst, senior, api):
    batch, takedown = forwarded(analyst, senior, api)
    assert batch.channel == "exchange"
    assert delivery.batch_deliver(batch_id=batch.pk) == "sent"

    [request] = api.requests
    assert request["path"] == "/api/v1/exchange/forwards/"
    assert request["headers"]["Authorization"] == "Bearer rsk_theirs_key"
    assert request["headers"]["Idempotency-Key"] == str(batch.key) == request["body"]["idempotency_key"]
    [item] = request["body"]["items"]
    assert item == {
        "reference": f"GB-{takedown.pk:07d}",
        "purpose": "initial",
        "url": "http://abroad.example/gallery/1",
        "sha256": takedown.record.url_sha256,
        "first_seen": item["first_seen"],
        "assessment": {"outcome": "criminal_a", "label": "Category A", "age_group": "7-10",
                       "iccam_age_group": "pre_pubescent", "site_type": "image_host", "commercial": False},
        "hosting": {"country": "NL", "network": "EXAMPLE-NET", "addresses": [{"ip": "192.0.2.10", "asn": 64500}]},
    }  # fmt: skip
    assert b"CANARY" not in request["raw"]


def test_the_partners_answer_is_the_first_status_on_our_record(analyst, senior, api):
    batch, takedown = forwarded(analyst, senior, api)
    delivery.batch_deliver(batch_id=batch.pk)

    forward = Forward.objects.get(record=takedown.record)
    assert (forward.status, forward.sequence, forward.partner_reference) == ("received", 1, "NL-0000001")
    takedown.refresh_from_db()
    assert takedown.status == Takedown.Status.FORWARDED_PARTNER


def test_a_partner_that_is_down_gets_it_later_once_under_the_same_key(analyst, senior, api):
    batch, _ = forwarded(analyst, senior, api)
    api.failures_left = 1
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert batch.state == "pending" and "HTTP 503: down for maintenance" in batch.last_error
    assert batch.next_attempt_at > batch.created_at + timedelta(minutes=1)  # backoff
    assert delivery.batch_deliver(batch_id=batch.pk) == "skipped"  # not due yet

    with time_machine.travel(batch.next_attempt_at + timedelta(seconds=1)):
        assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
    assert len(api.requests) == 1
    assert Forward.objects.count() == 1


def test_an_answer_that_does_not_acknowledge_every_address_is_retried(analyst, senior, api):
    api.answer = lambda path, document: (200, {"items": []})
    batch, _ = forwarded(analyst, senior, api)
    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"
    batch.refresh_from_db()
    assert "did not acknowledge" in batch.last_error
    assert not Forward.objects.exists()


def test_a_partner_without_the_exchange_gets_email_as_before(analyst, senior, api):
    linked, _ = exchange_partner(api_url=api.url)
    linked.active = False
    linked.save()
    confirm(located_record("http://abroad.example/x", country="NL"), analyst, senior)
    [batch_id] = notices_batch()
    assert NoticeBatch.objects.get(pk=batch_id).channel == "email"


def test_a_partner_api_that_now_points_inside_our_network_is_refused_and_the_forward_waits(
    analyst, senior, api, settings
):
    batch, _takedown = forwarded(analyst, senior, api)
    settings.CHECK_ALLOW_NETWORKS = []  # the name now resolves to loopback, which nothing allows

    assert delivery.batch_deliver(batch_id=batch.pk) == "retry"

    batch.refresh_from_db()
    assert api.requests == [] and "refused to post" in batch.last_error
