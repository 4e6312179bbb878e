"""The partner's side: what became of a forwarded record is owed to the forwarding hotline once per
status, in order, and delivered signed and retried through faults."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from exchange import statuses
from exchange.models import InboundForward, StatusUpdate
from reports.models import UrlRecord
from takedown.notices.batching import notices_batch
from takedown.notices.delivery import batch_deliver
from testsupport.exchange import PartnerApi, exchange_partner, post_signed
from testsupport.takedown import check, host
from testsupport.triage import assess
from triage.services.assessments import View, assessment_confirm
from triage.services.bulk import records_bulk_assess

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings):
    settings.HOME_COUNTRY = "NL"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    settings.WEBHOOK_TIMEOUT = 5
    server = PartnerApi()
    yield server
    server.stop()


def received(api, url="http://abroad.example/a") -> UrlRecord:
    """A forward from the partner, its record enriched here (hosted with us, in NL)."""
    _partner, their_key = exchange_partner(api_url=api.url, routes_to="", name="Hotline GB")
    item = {"reference": "GB-0000042", "url": url}
    assert post_signed("/api/v1/exchange/forwards/", {"items": [item]}, api_key=their_key).status_code == 201
    record = InboundForward.objects.get().record
    UrlRecord.objects.filter(pk=record.pk).update(country_code="NL", enrichment_state="enriched")
    from enrichment.models import HostAddress
    from triage.services.states import states_create

    HostAddress.objects.create(record=record, ip="192.0.2.10", country_code="NL", asn=64500, geo_source="test")
    states_create([record.pk])
    return UrlRecord.objects.get(pk=record.pk)


def sent(api) -> list[tuple[str, int]]:
    return [(r["body"]["updates"][0]["status"], r["body"]["updates"][0]["sequence"]) for r in api.requests]


def test_each_status_goes_back_once_in_order_as_it_happens(api, analyst, senior, django_capture_on_commit_callbacks):
    host(cidrs="192.0.2.0/24")
    record = received(api)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assess(analyst, record, "criminal_a")
    assert sent(api) == []  # four eyes: not decided until a second senior analyst confirms
    with django_capture_on_commit_callbacks(execute=True):
        assessment_confirm(assessment=assessment, confirmer=senior)
    assert sent(api) == [("assessed", 2)]
    [request] = api.requests
    assert request["path"] == "/api/v1/exchange/status/"
    assert request["body"]["updates"][0]["reference"] == "GB-0000042"
    assert request["body"]["updates"][0]["outcome"] == "criminal_a"

    with django_capture_on_commit_callbacks(execute=True):
        [batch_id] = notices_batch()
        batch_deliver(batch_id=batch_id)
    with django_capture_on_commit_callbacks(execute=True):
        check(record, status=404)
        check(record, status=404)
    assert sent(api) == [("assessed", 2), ("notice_sent", 3), ("removed", 4)]

    # The beat's pass finds nothing more to owe.
    assert statuses.exchange_pass() == {"closed": 0, "owed": 0, "due": 0, "queued": 0}
    assert len(api.requests) == 3


def test_a_forwarding_hotline_that_is_down_gets_the_status_later_under_the_same_key(api, analyst, settings):
    record = received(api)
    api.failures_left = 1
    assess(analyst, record, "not_illegal")
    assert statuses.statuses_sync(record_id=record.pk) == 1
    update = StatusUpdate.objects.get()
    assert statuses.update_deliver(update_id=update.pk) == "retry"
    update.refresh_from_db()
    assert update.state == "pending" and "HTTP 503" in update.last_error
    assert statuses.update_deliver(update_id=update.pk) == "skipped"  # backing off
    with time_machine.travel(update.next_attempt_at + timedelta(seconds=1)):
        assert statuses.exchange_pass()["queued"] == 1
    update.refresh_from_db()
    assert update.state == "sent" and update.attempts == 2
    assert sent(api) == [("assessed", 2)]
    assert api.requests[0]["headers"]["Idempotency-Key"] == str(update.key)


def test_it_gives_up_after_the_notice_attempts_and_says_so(api, analyst, settings):
    settings.NOTICE_MAX_ATTEMPTS = 2
    record = received(api)
    api.failures_left = 5
    assess(analyst, record, "not_illegal")
    statuses.statuses_sync(record_id=record.pk)
    update = StatusUpdate.objects.get()
    assert statuses.update_deliver(update_id=update.pk) == "retry"
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert statuses.update_deliver(update_id=update.pk) == "failed"
    update.refresh_from_db()
    assert update.state == "failed"


def test_bulk_assessments_which_save_without_signals_are_found_by_the_beat(api, senior):
    record = received(api, url="http://bulk.example/a")
    records_bulk_assess(host=record.host, record_ids=[record.pk], assessor=senior, view=View(outcome="not_illegal"))
    assert statuses.exchange_pass()["owed"] == 1
    assert sent(api) == [("assessed", 2)]


def test_a_manager_sends_a_failed_status_again_from_the_admin(
    api, analyst, manager_client, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_MAX_ATTEMPTS = 1
    record = received(api)
    api.failures_left = 1
    assess(analyst, record, "not_illegal")
    statuses.statuses_sync(record_id=record.pk)
    update = StatusUpdate.objects.get()
    assert statuses.update_deliver(update_id=update.pk) == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            "/admin/exchange/statusupdate/", {"action": "send_again", "_selected_action": [update.pk]}
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    update.refresh_from_db()
    assert update.state == "sent" and sent(api) == [("assessed", 2)]
    from staff.models import AuditEvent

    assert AuditEvent.objects.filter(action="notice_resent", target_id=str(update.pk)).exists()


def test_the_beat_looks_only_at_forwards_that_owe_a_status(api, analyst):
    record = received(api)
    assert statuses.open_forwards() == []  # waiting in our queue: nothing to say yet
    assess(analyst, record, "not_illegal")
    assert statuses.open_forwards() == [record.pk]
    statuses.statuses_sync(record_id=record.pk)
    assert statuses.open_forwards() == []  # decided and told: never looked at again
