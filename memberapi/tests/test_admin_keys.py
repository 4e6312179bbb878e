"""Managing keys in the admin: shown once on creation, stored hashed, revoked with an action, all audited."""

import pytest
from django.contrib.auth.models import Permission

from memberapi.keys import key_hash
from memberapi.models import ApiKey
from staff.models import AuditEvent
from testsupport.memberapi import ApiClient
from testsupport.personas import FormClient, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper_client(manager):
    """A manager given the member permissions (see the report: the Manager role does not hold them yet)."""
    codenames = ["add_member", "change_member", "view_member", "add_apikey", "change_apikey", "view_apikey"]
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="memberapi", codename__in=codenames)
    )
    return login_verified(FormClient(), manager)


def add_key(client, acme, **overrides):
    data = {
        "member": acme.pk,
        "name": "proxy filter",
        "scopes": ["urllist:read"],
        "expires_at_0": "2099-01-01",
        "expires_at_1": "00:00:00",
        "rate_limit": "",
    }
    data.update(overrides)
    return client.post("/admin/memberapi/apikey/add/", data)


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(keeper_client, acme):
    response = add_key(keeper_client, acme)
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    secret = response.context["key"]
    assert secret.startswith(f"rsk_{api_key.prefix}_") and secret in response.content.decode()
    assert api_key.secret_hash == key_hash(secret)
    assert api_key.created_by.username == "manager" and api_key.scopes == "urllist:read"
    # Not in a flash message (a cookie or the session) either.
    assert secret not in str(response.cookies) and secret not in repr(dict(keeper_client.session))
    assert ApiClient(secret).get("/api/v1/urllist/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_CREATED, actor__username="manager").exists()
    page = keeper_client.get(f"/admin/memberapi/apikey/{api_key.pk}/change/").content.decode()
    assert secret not in page and api_key.secret_hash not in page


def test_a_bad_rate_is_refused_on_the_form(keeper_client, acme):
    response = add_key(keeper_client, acme, rate_limit="lots")
    assert response.status_code == 200 and ApiKey.objects.count() == 0
    assert "600/min" in response.content.decode()


def test_revoking_from_the_list_refuses_the_key_and_is_audited(keeper_client, acme):
    secret = add_key(keeper_client, acme).context["key"]
    api_key = ApiKey.objects.get()
    response = keeper_client.post(
        "/admin/memberapi/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]}, follow=True
    )
    assert response.status_code == 200
    assert ApiClient(secret).get("/api/v1/urllist/").status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_REVOKED)
    assert event.actor.username == "manager"


def test_keys_cannot_be_deleted(keeper_client, acme):
    add_key(keeper_client, acme)
    api_key = ApiKey.objects.get()
    assert keeper_client.get(f"/admin/memberapi/apikey/{api_key.pk}/delete/").status_code in (302, 403)
    assert ApiKey.objects.count() == 1


def test_people_without_the_permission_cannot_make_keys(analyst_client, acme):
    response = add_key(analyst_client, acme)
    assert response.status_code in (302, 403)
    assert ApiKey.objects.count() == 0
