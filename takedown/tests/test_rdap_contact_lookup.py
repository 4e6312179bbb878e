"""Looking up a record's missing abuse contact: saved held for approval, asked once per address per RETRY_AFTER."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from staff.models import AuditEvent
from takedown.contact_discovery import contact_lookup
from takedown.models import ContactLookup, Recipient
from testsupport.rdap_fixtures import NOT_FOUND, answer, hosted_record, load, moved, registry

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def routes():
    return {f"/arin/ip/{IP}": moved(f"/ripe/ip/{IP}"), f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}


@pytest.fixture
def server(settings, routes):
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_TIMEOUT = 2
    settings.RDAP_RETRY_AFTER = timedelta(hours=24)
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        yield server


def test_a_contact_found_is_saved_held_for_approval_with_metadata_only(server):
    record = hosted_record("http://bad.example/a", IP, network="EXAMPLEHOST")

    lookup = contact_lookup(record_id=record.pk)

    contact = Recipient.objects.get()
    assert (contact.kind, contact.source, contact.approved, contact.active) == ("hosting_provider", "rdap", False, True)
    assert contact.name == "Example Hosting Ltd"
    assert contact.email == "abuse@example-hosting.co.uk"
    assert contact.cidrs == "203.0.113.0/24"
    assert contact.network_names == ""  # matched by its address blocks only
    assert contact.rdap_handle == "203.0.113.0 - 203.0.113.255"
    assert contact.rdap_server == server.url(f"/ripe/ip/{IP}")
    assert contact.found_at is not None
    assert contact.webhook_url == "" and "bad.example" not in contact.notes
    assert (lookup.ip, lookup.outcome, lookup.recipient) == (IP, "found", contact)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONTACT_FOUND)
    assert event.actor is None and event.target_id == str(contact.pk)
    assert event.details["ip"] == IP


def test_a_record_already_covered_by_a_contact_waiting_for_approval_is_not_looked_up(server):
    Recipient.objects.create(
        kind="hosting_provider", name="Held", email="abuse@held.example", cidrs="203.0.113.0/24", approved=False
    )
    record = hosted_record("http://bad.example/a", IP)

    assert contact_lookup(record_id=record.pk) is None
    assert server.requests == []
    assert not ContactLookup.objects.exists()


def test_no_contact_in_the_answer_is_remembered_and_not_asked_again_until_retry_after(server, routes):
    routes[f"/ripe/ip/{IP}"] = NOT_FOUND
    record = hosted_record("http://bad.example/a", IP)

    with time_machine.travel(START, tick=False):
        assert contact_lookup(record_id=record.pk).outcome == "none"
    with time_machine.travel(START + timedelta(hours=23, minutes=59), tick=False):
        assert contact_lookup(record_id=record.pk) is None
    assert len(server.requests) == 2  # the first look-up: ARIN, then its redirect

    routes[f"/ripe/ip/{IP}"] = answer(load("ripe_ipv4"))
    with time_machine.travel(START + timedelta(hours=24, minutes=1), tick=False):
        lookup = contact_lookup(record_id=record.pk)

    assert lookup.outcome == "found"
    assert lookup.looked_up_at == START + timedelta(hours=24, minutes=1)
    assert len(server.requests) == 4


def test_a_failed_look_up_is_kept_as_failed_and_tried_again_later(server, routes):
    routes[f"/ripe/ip/{IP}"] = answer({"errorCode": 503}, 503)
    record = hosted_record("http://bad.example/a", IP)

    with time_machine.travel(START, tick=False):
        failed = contact_lookup(record_id=record.pk)
    assert failed.outcome == "failed"
    assert "HTTP 503" in failed.error
    assert not Recipient.objects.exists()

    routes[f"/ripe/ip/{IP}"] = answer(load("ripe_ipv4"))
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert contact_lookup(record_id=record.pk) is None
    with time_machine.travel(START + timedelta(hours=25), tick=False):
        assert contact_lookup(record_id=record.pk).outcome == "found"
    assert ContactLookup.objects.get(ip=IP).error == ""


def test_a_contact_a_manager_rejected_is_not_proposed_again(server, settings):
    record = hosted_record("http://bad.example/a", IP)
    with time_machine.travel(START, tick=False):
        contact_lookup(record_id=record.pk)
    Recipient.objects.update(active=False)  # rejected

    with time_machine.travel(START + timedelta(days=2), tick=False):
        lookup = contact_lookup(record_id=record.pk)

    assert lookup.outcome == "none"
    assert "rejected" in lookup.error
    assert Recipient.objects.count() == 1


def test_the_next_address_is_asked_when_the_first_has_no_contact(server, routes):
    routes["/arin/ip/198.51.100.25"] = answer(load("arin_nested"))
    record = hosted_record("http://bad.example/a", "192.0.2.99", "198.51.100.25")

    lookup = contact_lookup(record_id=record.pk)

    assert lookup.ip == "198.51.100.25"
    assert Recipient.objects.get().email == "abuse@examplecloud.com"
    assert dict(ContactLookup.objects.values_list("ip", "outcome")) == {"192.0.2.99": "none", "198.51.100.25": "found"}


def test_an_address_another_worker_is_looking_up_is_left_to_it(server):
    record = hosted_record("http://bad.example/a", IP)
    ContactLookup.objects.create(ip=IP, outcome="failed", error="Look-up in progress")

    assert contact_lookup(record_id=record.pk) is None
    assert server.requests == []


def test_a_record_that_is_gone_is_ignored(server):
    assert contact_lookup(record_id=987654) is None
