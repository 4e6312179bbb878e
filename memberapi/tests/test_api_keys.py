"""Keys: stored hashed, refused when unknown, expired or revoked (401), scoped (403), counted."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from memberapi.keys import key_hash
from memberapi.models import ApiKey
from memberapi.services import api_key_revoke
from staff.models import AuditEvent
from testsupport.memberapi import ApiClient, key

pytestmark = pytest.mark.django_db

URLLIST = "/api/v1/urllist/"


def test_only_the_hash_of_a_key_is_stored(acme_key):
    api_key, secret = acme_key
    stored = ApiKey.objects.values().get(pk=api_key.pk)
    assert secret not in repr(stored)
    assert stored["secret_hash"] == key_hash(secret)
    assert secret.startswith(f"rsk_{api_key.prefix}_")


def test_making_a_key_is_audited_without_the_key(acme_key):
    api_key, secret = acme_key
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_CREATED)
    assert event.target_id == str(api_key.pk)
    assert api_key.prefix in event.summary
    assert secret not in repr(event.__dict__) and api_key.secret_hash not in repr(event.__dict__)


def test_a_request_without_a_key_is_refused_with_a_bearer_challenge(db):
    response = ApiClient().get(URLLIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer rsk_aaaaaaaa_" + "x" * 43, "Bearer not-a-key", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b"],
)
def test_unknown_or_malformed_keys_are_refused(db, header):
    response = ApiClient(HTTP_AUTHORIZATION=header).get(URLLIST)
    assert response.status_code == 401


def test_an_expired_key_is_refused(acme_key):
    api_key, secret = acme_key
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(secret).get(URLLIST)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_key_is_refused_at_once_and_the_revocation_audited(acme_key, manager):
    api_key, secret = acme_key
    assert ApiClient(secret).get(URLLIST).status_code == 200
    assert api_key_revoke(api_key=api_key, by=manager)
    assert not api_key_revoke(api_key=api_key, by=manager)  # once is enough
    response = ApiClient(secret).get(URLLIST)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_REVOKED)
    assert event.actor == manager and event.target_id == str(api_key.pk)


def test_a_suspended_members_keys_are_refused(acme, acme_key):
    acme.active = False
    acme.save()
    assert ApiClient(acme_key[1]).get(URLLIST).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        (["reports:write"], "get", URLLIST, False),
        (["urllist:read"], "get", URLLIST, True),
        (["urllist:read"], "get", URLLIST + "hashed/", True),
        (["urllist:read"], "post", "/api/v1/reports/", False),
        (["reports:read"], "post", "/api/v1/reports/", False),
        (["reports:write"], "post", "/api/v1/reports/", True),
        (["reports:write"], "get", "/api/v1/reports/ref-1/", False),
        (["reports:read"], "get", "/api/v1/reports/ref-1/", True),
    ],
)
def test_each_endpoint_needs_its_scope(acme, scopes, method, path, allowed):
    _, secret = key(acme, scopes)
    client = ApiClient(secret)
    if method == "post":
        response = client.post_json(path, {"reference": "ref-1", "addresses": ["http://example.com/a"]})
    else:
        response = client.get(path)
    if allowed:
        assert response.status_code in (200, 201, 404)  # 404: no report ref-1 yet, but past the scope check
    else:
        assert response.status_code == 403
        assert "scope" in response.json()["detail"]


def test_every_use_is_counted_and_the_last_one_shown(acme_key):
    api_key, secret = acme_key
    client = ApiClient(secret)
    before = timezone.now()
    for _ in range(3):
        client.get(URLLIST)
    client.get("/api/v1/reports/nope/")  # refused for want of nothing: 404, still a use
    api_key.refresh_from_db()
    assert api_key.use_count == 4
    assert api_key.last_used_at >= before


def test_the_key_never_reaches_a_log_line(acme_key, caplog):
    caplog.set_level(logging.DEBUG)
    api_key, secret = acme_key
    ApiClient(secret).get(URLLIST)
    ApiClient(secret).get("/api/v1/reports/nope/")
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())
    ApiClient(secret).get(URLLIST)
    secret_part = secret.split("_", 2)[2]  # the secret itself may hold "_"
    assert secret_part not in caplog.text
