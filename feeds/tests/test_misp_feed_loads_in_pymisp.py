"""The MISP feed: PyMISP loads every event file of the manifest, its attributes are exactly the
listed URLs (ended stays flagged deleted), and PyMISP's own feed generator, run over our event
files, writes the same manifest and (for what is still listed) the same hashes.csv."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pymisp import MISPEvent
from pymisp.tools.feed import feed_meta_generator

from feeds.tests.helpers import body, feed_client, listed, unlisted
from memberapi.models import Listing

pytestmark = pytest.mark.django_db

MANIFEST = reverse("feeds:misp-manifest")
HASHES = reverse("feeds:misp-hashes")


@pytest.fixture
def feed(analyst, senior):
    """Addresses listed over two days, one of them since removed."""
    yesterday = timezone.now() - timedelta(days=1)
    with time_machine.travel(yesterday, tick=True):
        gone = listed("http://yesterday.example/gone", analyst, senior)
        listed("http://yesterday.example/stays", analyst, senior)
        feed_client().get(MANIFEST)  # read yesterday: those listings were added yesterday
    listed("http://today.example/it's", analyst, senior)
    unlisted(gone, analyst)
    return feed_client()


def download(client, tmp_path) -> tuple[dict, list[str], dict[str, MISPEvent]]:
    manifest_response = client.get(MANIFEST)
    assert manifest_response.status_code == 200
    manifest = json.loads(body(manifest_response))
    hashes = body(client.get(HASHES)).decode().splitlines()
    events = {}
    for uuid in manifest:
        response = client.get(reverse("feeds:misp-event", args=[uuid]))
        assert response.status_code == 200
        (tmp_path / f"{uuid}.json").write_bytes(body(response))
        event = MISPEvent()
        event.load(body(response))
        events[uuid] = event
    return manifest, hashes, events


def test_pymisp_loads_every_event_with_the_listed_urls(feed, tmp_path):
    manifest, _hashes, events = download(feed, tmp_path)
    assert len(events) == 2
    active = {a.value for e in events.values() for a in e.attributes if not a.deleted}
    deleted = {a.value for e in events.values() for a in e.attributes if a.deleted}
    assert active == set(Listing.objects.filter(removed_position__isnull=True).values_list("url", flat=True))
    assert deleted == {"http://yesterday.example/gone"}
    for event in events.values():
        assert event.published
        for attribute in event.attributes:
            assert attribute.type == "url" and attribute.category == "Network activity"
            assert attribute.to_ids is not attribute.deleted


def test_pymisps_feed_generator_agrees_with_our_manifest_and_hashes(feed, tmp_path):
    manifest, hashes, events = download(feed, tmp_path)
    feed_meta_generator(tmp_path)
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    theirs = set((tmp_path / "hashes.csv").read_text().splitlines())
    gone = hashlib.md5(b"http://yesterday.example/gone", usedforsecurity=False).hexdigest()
    # Ours leaves out what is no longer listed; PyMISP's generator hashes deleted attributes too.
    assert set(hashes) == {line for line in theirs if not line.startswith(gone)}
    assert len(hashes) == 2


def test_an_event_changes_timestamp_when_an_address_in_it_leaves_the_list(analyst, senior):
    record = listed("http://leaving.example/a", analyst, senior)
    client = feed_client()
    [(uuid, before)] = json.loads(body(client.get(MANIFEST))).items()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        unlisted(record, analyst)
        after = json.loads(body(client.get(MANIFEST)))[uuid]
    assert int(after["timestamp"]) > int(before["timestamp"])
    event = json.loads(body(client.get(reverse("feeds:misp-event", args=[uuid]))))["Event"]
    assert [a["deleted"] for a in event["Attribute"]] == [True]


def test_unknown_events_are_404():
    client = feed_client()
    assert client.get(reverse("feeds:misp-event", args=["a7f3c2d1-6e4b-8c59-9d20-000020200101"])).status_code == 404
    assert client.get(reverse("feeds:misp-event", args=["not-an-event"])).status_code == 404


def test_the_misp_feed_needs_its_scope():
    assert feed_client(["feeds:rpz"]).get(MANIFEST).status_code == 403
    assert feed_client(["feeds:rpz"]).get(HASHES).status_code == 403


def test_a_removal_in_the_same_second_as_its_listing_still_has_a_newer_timestamp(analyst, senior):
    with time_machine.travel(timezone.now().replace(microsecond=100), tick=False):
        record = listed("http://quick.example/a", analyst, senior)
        client = feed_client()
        listed_event = json.loads(body(client.get(MANIFEST)))
        unlisted(record, analyst)
        [(uuid, after)] = json.loads(body(client.get(MANIFEST))).items()
    event = json.loads(body(client.get(reverse("feeds:misp-event", args=[uuid]))))["Event"]
    [attribute] = event["Attribute"]
    assert attribute["deleted"] is True
    assert attribute["timestamp"] == event["timestamp"] == after["timestamp"] > listed_event[uuid]["timestamp"]
