"""Look-ups are queued when a home takedown is held, and the beat finds the ones that were lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reportsite import queueing
from takedown import lifecycle, tasks
from takedown.contact_discovery import lookups_queue_missing
from takedown.models import ContactLookup, Recipient, Takedown
from testsupport.rdap_fixtures import answer, hosted_record, load, registry
from testsupport.triage import enriched_record

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def server(settings):
    settings.HOME_COUNTRY = "GB"
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_TIMEOUT = 2
    settings.RDAP_RETRY_AFTER = timedelta(hours=24)
    with registry({f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}) as server:
        settings.RDAP_SERVERS = [server.url("/ripe/")]
        yield server


@pytest.fixture
def queued(monkeypatch):
    """The record ids handed to the broker, instead of running the look-ups."""
    ids: list[int] = []

    def enqueue(task, *args):
        if task.name == tasks.lookup_abuse_contact.name:
            ids.append(args[0])

    monkeypatch.setattr(queueing, "enqueue", enqueue)
    return ids


def open_held(url: str, *ips: str, country: str = "GB") -> Takedown:
    # Opened outside an on-commit capture: as if the broker had lost the queued look-up.
    return lifecycle.takedown_open(record=hosted_record(url, *ips, country=country))


def test_opening_a_held_home_takedown_queues_a_look_up_once_committed(django_capture_on_commit_callbacks, queued):
    with django_capture_on_commit_callbacks(execute=True):
        takedown = open_held("http://bad.example/a", IP)

    assert queued == [takedown.pk]


def test_a_takedown_with_a_contact_or_abroad_queues_nothing(django_capture_on_commit_callbacks, queued):
    Recipient.objects.create(kind="hosting_provider", name="Known", email="abuse@known.example", cidrs="192.0.2.0/24")
    with django_capture_on_commit_callbacks(execute=True):
        routed = open_held("http://bad.example/a", "192.0.2.1")
        abroad = open_held("http://bad.example/b", IP, country="US")

    assert routed.status == Takedown.Status.AWAITING_NOTICE
    assert abroad.route == Takedown.Route.LAW_ENFORCEMENT
    assert queued == []


def test_a_broker_that_is_down_does_not_fail_the_confirmation(django_capture_on_commit_callbacks, monkeypatch):
    def down(task, *args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(queueing, "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        takedown = open_held("http://bad.example/a", IP)

    assert Takedown.objects.get(pk=takedown.pk).status == Takedown.Status.AWAITING_CONTACT
    assert lookups_queue_missing() == 0  # still down: it waits for the next pass


def test_the_sweep_queues_only_held_home_takedowns_with_no_contact_and_no_recent_look_up(queued):
    needs = open_held("http://bad.example/needs", IP)
    stale = open_held("http://bad.example/stale", "198.51.100.26")
    ContactLookup.objects.create(ip="198.51.100.26", outcome="failed", looked_up_at=timezone.now() - timedelta(days=2))
    recent = open_held("http://bad.example/recent", "198.51.100.25")
    ContactLookup.objects.create(ip="198.51.100.25", outcome="none", looked_up_at=timezone.now() - timedelta(hours=1))
    nowhere = lifecycle.takedown_open(record=enriched_record("http://bad.example/no-address", country_code="GB"))
    Recipient.objects.create(
        kind="hosting_provider", name="Held", email="abuse@held.example", cidrs="192.0.2.0/25", approved=False
    )
    covered = open_held("http://bad.example/covered", "192.0.2.5")

    count = lookups_queue_missing()

    assert {nowhere.status, covered.status} == {Takedown.Status.AWAITING_CONTACT}
    assert sorted(queued) == sorted([needs.pk, stale.pk])
    assert count == 2
    assert recent.pk not in queued


def test_the_beat_task_queues_the_look_ups_and_they_find_the_contact(server):
    takedown = open_held("http://bad.example/a", IP)

    counts = tasks.advance_takedowns()

    assert counts["lookups_queued"] == 1
    contact = Recipient.objects.get(source=Recipient.Source.RDAP)
    assert not contact.approved
    assert Takedown.objects.get(pk=takedown.pk).status == Takedown.Status.AWAITING_CONTACT
    assert tasks.advance_takedowns()["lookups_queued"] == 0  # covered now, if only by a contact awaiting approval
