"""The TAXII objects endpoint: media type, date-added headers, added_after and next paging, and
refusals; a change committed late (decided earlier than one already read) is still found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.identifiers import COLLECTION_ID
from feeds.tests.helpers import feed_client, listed, unlisted
from memberapi.models import ListChange
from testsupport.takedown import located_record

pytestmark = pytest.mark.django_db
TAXII = "application/taxii+json;version=2.1"
OBJECTS = reverse("feeds:taxii-objects", args=[COLLECTION_ID])


def get(client, path=OBJECTS, **params):
    return client.get(path, params, HTTP_ACCEPT=TAXII)


def poll_all(client, *, limit: int, after: str | None = None) -> tuple[list[dict], str | None]:
    """Page with added_after = the last X-TAXII-Date-Added-Last, as a polling SIEM does."""
    seen = []
    while True:
        params = {"limit": limit} | ({"added_after": after} if after else {})
        response = get(client, **params)
        assert response.status_code == 200
        envelope = response.json()
        seen.extend(envelope.get("objects", []))
        if "X-TAXII-Date-Added-Last" in response:
            after = response["X-TAXII-Date-Added-Last"]
        if not envelope["more"]:
            return seen, after


def test_it_answers_in_the_taxii_media_type_with_date_added_headers(analyst, senior):
    listed("http://one.example/a", analyst, senior)
    listed("http://two.example/a", analyst, senior)
    response = get(feed_client())
    assert response["Content-Type"] == TAXII
    envelope = response.json()
    assert envelope["more"] is False and len(envelope["objects"]) == 2
    assert response["X-TAXII-Date-Added-First"] < response["X-TAXII-Date-Added-Last"]


def test_added_after_paging_sees_every_version_once_and_then_only_news(analyst, senior):
    client = feed_client()
    records = [listed(f"http://page{n}.example/a", analyst, senior) for n in range(5)]
    first, after = poll_all(client, limit=2)
    assert len(first) == 5 == len({o["id"] for o in first})
    again, _ = poll_all(client, limit=2, after=after)
    assert again == []
    unlisted(records[0], analyst)
    news, _ = poll_all(client, limit=2, after=after)
    assert [o["id"] for o in news] == [first[0]["id"]] and news[0]["revoked"] is True


def test_a_change_decided_earlier_but_committed_later_is_not_skipped(analyst, senior):
    client = feed_client()
    listed("http://early.example/a", analyst, senior)
    _seen, after = poll_all(client, limit=10)
    # A listing transaction that began before the poll and committed after it: its `at` is older.
    late = located_record("http://late.example/a", country="ZZ")
    ListChange.objects.create(record=late, listed=True, at=timezone.now() - timedelta(hours=1))
    news, _ = poll_all(client, limit=10, after=after)
    assert [o["pattern"] for o in news] == ["[url:value = 'http://late.example/a']"]


def test_next_pages_agree_with_more(analyst, senior):
    client = feed_client()
    for n in range(3):
        listed(f"http://next{n}.example/a", analyst, senior)
    page = get(client, limit=2).json()
    assert page["more"] is True and len(page["objects"]) == 2
    rest = get(client, limit=2, next=page["next"]).json()
    assert rest["more"] is False and len(rest["objects"]) == 1
    assert "next" not in rest


@pytest.mark.parametrize(
    "params",
    [{"added_after": "yesterday"}, {"limit": "0"}, {"limit": "many"}, {"next": "x"}, {"match[version]": "2020"}],
)
def test_bad_paging_parameters_are_refused_clearly(params):
    response = get(feed_client(), **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_other_media_types_and_unknown_collections_are_refused():
    client = feed_client()
    assert client.get(OBJECTS, HTTP_ACCEPT="application/json").status_code == 406
    other = reverse("feeds:taxii-objects", args=["00000000-0000-4000-8000-000000000000"])
    assert get(client, other).status_code == 404


def test_a_type_filter_without_indicators_finds_nothing(analyst, senior):
    listed("http://typed.example/a", analyst, senior)
    assert "objects" not in get(feed_client(), **{"match[type]": "malware"}).json()
    assert len(get(feed_client(), **{"match[type]": "indicator"}).json()["objects"]) == 1


def test_the_manifest_lists_the_same_versions(analyst, senior):
    listed("http://manifest.example/a", analyst, senior)
    client = feed_client()
    objects = get(client).json()["objects"]
    manifest = get(client, reverse("feeds:taxii-manifest", args=[COLLECTION_ID])).json()["objects"]
    assert [(m["id"], m["version"]) for m in manifest] == [(o["id"], o["modified"]) for o in objects]


def test_discovery_and_api_root_need_a_key_with_the_taxii_scope():
    discovery = reverse("feeds:taxii-discovery")
    assert feed_client(["urllist:read"]).get(discovery, HTTP_ACCEPT=TAXII).status_code == 403
    response = feed_client().get(discovery, HTTP_ACCEPT=TAXII)
    assert response.status_code == 200
    assert response.json()["api_roots"] == ["http://testserver" + reverse("feeds:taxii-root")]
