"""Every feed is behind the member API's keys: 401 without one, 403 without the feed's scope,
429 over the key's rate, and each use counted on the key like the URL list download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feeds.identifiers import COLLECTION_ID
from testsupport.memberapi import ApiClient, key, member

pytestmark = pytest.mark.django_db

FEEDS = {
    "feeds:rpz": [reverse("feeds:rpz")],
    "feeds:misp": [reverse("feeds:misp-manifest"), reverse("feeds:misp-hashes")],
    "feeds:taxii": [
        reverse("feeds:taxii-discovery"),
        reverse("feeds:taxii-root"),
        reverse("feeds:taxii-collections"),
        reverse("feeds:taxii-objects", args=[COLLECTION_ID]),
    ],
}
EVERY = [(scope, path) for scope, paths in FEEDS.items() for path in paths]


@pytest.mark.parametrize(("scope", "path"), EVERY)
def test_a_request_without_a_key_is_401(scope, path):
    assert ApiClient().get(path).status_code == 401


@pytest.mark.parametrize(("scope", "path"), EVERY)
def test_a_key_without_the_feeds_scope_is_403(scope, path):
    others = [s for s in ("urllist:read", "feeds:rpz", "feeds:taxii", "feeds:misp") if s != scope]
    response = ApiClient(key(member(), others)[1]).get(path)
    assert response.status_code == 403
    assert scope in response.json()["detail"]


@pytest.mark.parametrize(("scope", "path"), EVERY)
def test_the_key_with_the_scope_is_answered_and_counted(scope, path):
    api_key, secret = key(member(), [scope])
    assert ApiClient(secret).get(path, HTTP_ACCEPT="*/*").status_code == 200
    api_key.refresh_from_db()
    assert api_key.use_count == 1 and api_key.last_used_at is not None


def test_a_key_over_its_rate_is_429():
    client = ApiClient(key(member(), ["feeds:rpz"], rate_limit="2/min")[1])
    assert [client.get(reverse("feeds:rpz")).status_code for _ in range(3)] == [200, 200, 429]
