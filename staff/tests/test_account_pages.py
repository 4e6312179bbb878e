"""The staff accounts pages: asking on the account page, deciding on the approvals page."""

import pytest

from staff.models import AccountChangeRequest, AuditEvent

pytestmark = pytest.mark.django_db


def test_analysts_cannot_open_the_accounts_or_approvals_pages(analyst_client, senior):
    for path in ("/staff/accounts/", f"/staff/accounts/{senior.pk}/", "/staff/approvals/"):
        assert analyst_client.get(path).status_code == 403


def test_the_accounts_list_finds_people_by_name(manager_client, analyst, senior):
    body = manager_client.get("/staff/accounts/?q=anal").content.decode()
    assert "analyst" in body and f"/staff/accounts/{senior.pk}/" not in body


def test_asking_for_a_role_on_the_account_page(manager_client, analyst):
    response = manager_client.post(
        f"/staff/accounts/{analyst.pk}/",
        {"kind": "roles", "roles-groups": ["Analyst", "Senior analyst"], "roles-reason": "Promoted"},
    )
    assert response.status_code == 302
    change = AccountChangeRequest.objects.get()
    assert change.kind == "roles" and change.payload["groups"] == ["Analyst", "Senior analyst"]
    assert set(analyst.groups.values_list("name", flat=True)) == {"Analyst"}
    assert "waiting for approval" in manager_client.get(response["Location"]).content.decode().lower()


def test_a_request_without_a_reason_is_sent_back_with_the_error(manager_client, analyst):
    response = manager_client.post(f"/staff/accounts/{analyst.pk}/", {"kind": "password_reset", "password-reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not AccountChangeRequest.objects.exists()


def test_asking_to_remove_a_device_on_the_account_page(manager_client, analyst):
    device = analyst.totp_device
    response = manager_client.post(
        f"/staff/accounts/{analyst.pk}/",
        {"kind": "remove_devices", "devices-devices": [device.persistent_id], "devices-reason": "Phone lost"},
    )
    assert response.status_code == 302
    assert AccountChangeRequest.objects.get().payload["devices"] == [device.persistent_id]
    analyst.totp_device.refresh_from_db()  # still there


def test_ones_own_account_page_offers_no_requests(manager_client, manager):
    body = manager_client.get(f"/staff/accounts/{manager.pk}/").content.decode()
    assert "ask another manager" in body
    assert 'name="kind"' not in body


def test_deactivating_takes_effect_at_once_and_is_audited(manager_client, manager, analyst):
    response = manager_client.post(f"/staff/accounts/{analyst.pk}/", {"kind": "deactivate", "active-reason": "Left"})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert not analyst.is_active
    assert AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DEACTIVATED).actor == manager


def test_the_approvals_page_lets_only_another_manager_decide(manager_client, manager2_client, analyst):
    manager_client.post(f"/staff/accounts/{analyst.pk}/", {"kind": "password_reset", "password-reason": "Forgot"})
    change = AccountChangeRequest.objects.get()
    own = manager_client.get("/staff/approvals/").content.decode()
    assert "different manager" in own and f"/staff/approvals/{change.pk}/" not in own
    other = manager2_client.get("/staff/approvals/").content.decode()
    assert f"/staff/approvals/{change.pk}/" in other and "Forgot" in other
    # Posting anyway changes nothing.
    manager_client.post(f"/staff/approvals/{change.pk}/", {"decision": "approve"})
    change.refresh_from_db()
    assert change.state == AccountChangeRequest.State.PENDING


def test_approving_a_role_on_the_approvals_page(manager_client, manager2_client, analyst):
    manager_client.post(
        f"/staff/accounts/{analyst.pk}/",
        {"kind": "roles", "roles-groups": ["Senior analyst"], "roles-reason": "Promoted"},
    )
    change = AccountChangeRequest.objects.get()
    response = manager2_client.post(f"/staff/approvals/{change.pk}/", {"decision": "approve", "note": "ok"})
    assert response.status_code == 302
    assert set(analyst.groups.values_list("name", flat=True)) == {"Senior analyst"}


def test_the_set_password_page_needs_a_link(client):
    response = client.get("/staff/password/set/")
    assert response.status_code == 400
    assert "does not work" in response.content.decode()
