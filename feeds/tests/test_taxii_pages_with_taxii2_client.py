"""taxii2-client, against the running site, finds the collection, pages through it with a small
limit and receives every indicator exactly once, removals as revoked versions; stix2-validator
passes every object, and every pattern names its URL exactly, quotes and backslashes included."""

from __future__ import annotations

import pytest
import requests
from stix2patterns.v21.pattern import Pattern
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import Server, as_pages

from feeds.stix import indicator_id
from feeds.tests.helpers import dedicated, listed, unlisted
from memberapi.models import Listing
from memberapi.sequencing import changes_sequence
from testsupport.memberapi import key, member

pytestmark = pytest.mark.django_db(transaction=True)

NASTY = [
    "http://quote.example/it's",
    "http://bs.example/?a=\\b",
    "http://both.example/?q='\\''",
    "http://plain.example/a",
    "http://unicode.example/caf%C3%A9",
    "http://www.dedicated.example/x",
    "http://gone.example/1",
    "http://gone.example/2",
]


class Bearer(requests.auth.AuthBase):
    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.secret}"
        return request


@pytest.fixture
def listing(analyst, senior):
    records = {}
    for url in NASTY:
        maker = dedicated if "dedicated" in url else listed
        records[url] = maker(url, analyst, senior)
    for url in NASTY[-2:]:
        unlisted(records[url], analyst)
    changes_sequence()  # what any read of the list does first
    return records


def collection(live_server, scopes=("feeds:taxii",)):
    secret = key(member(), list(scopes))[1]
    server = Server(f"{live_server.url}/api/v1/feeds/taxii2/", auth=Bearer(secret))
    root = server.api_roots[0]
    assert server.default.url == root.url
    return root.collections[0]


def every_object(found, **filters) -> list[dict]:
    objects = []
    for envelope in as_pages(found.get_objects, per_request=3, **filters):
        objects.extend(envelope.get("objects", []))
    return objects


def pattern_value(pattern: str) -> str:
    [(path, operator, literal)] = Pattern(pattern).inspect().comparisons["url"]
    assert (path, operator) == (["value"], "=")
    return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")


def test_taxii2_client_pages_through_every_indicator_once(listing, live_server):
    urls = set(Listing.objects.values_list("url", flat=True))
    assert any("'" in url for url in urls) and any("\\" in url for url in urls)
    found = collection(live_server)
    assert found.can_read and not found.can_write
    objects = every_object(found)
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids)) == Listing.objects.count() == len(NASTY)
    assert {pattern_value(o["pattern"]) for o in objects} == urls
    revoked = {pattern_value(o["pattern"]) for o in objects if o.get("revoked")}
    assert revoked == set(Listing.objects.filter(removed_position__isnull=False).values_list("url", flat=True))
    assert len(revoked) == 2


def test_every_version_is_there_once_when_all_are_asked_for(listing, live_server):
    objects = every_object(collection(live_server), version="all")
    versions = [(o["id"], o["modified"]) for o in objects]
    assert len(versions) == len(set(versions)) == len(NASTY) + 2
    for listing_row in Listing.objects.filter(removed_position__isnull=False):
        mine = sorted((o for o in objects if o["id"] == indicator_id(listing_row.pk)), key=lambda o: o["modified"])
        assert [o.get("revoked", False) for o in mine] == [False, True]
        assert mine[0]["created"] == mine[1]["created"] < mine[1]["modified"]


def test_stix2_validator_passes_every_object(listing, live_server):
    options = ValidationOptions(version="2.1", strict=True)
    for obj in every_object(collection(live_server), version="all"):
        results = validate_instance(obj, options)
        assert results.is_valid, [str(e) for e in results.errors]
        assert not results.errors


def test_a_key_without_the_taxii_scope_is_refused(listing, live_server):
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        collection(live_server, scopes=("urllist:read",))
    assert refused.value.response.status_code == 403
