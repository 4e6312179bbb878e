"""A manager administers people in the admin, but cannot take over an account or raise a role.

Roles, passwords and devices change only with a second manager's approval
(staff.account_changes; tests in test_account_change_*.py)."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEvent
from testsupport.personas import TEST_PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def change_data(user, groups) -> dict:
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(g.pk) for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def new_password(user) -> dict:
    return {"password1": "an entirely new passphrase 77", "password2": "an entirely new passphrase 77"}


@pytest.fixture
def superuser(db):
    return make_staff("outsider", "root", is_superuser=True, is_staff=True)


@pytest.fixture
def other_manager(db):
    return make_staff("manager", "manager2", is_staff=True)


def test_superusers_are_invisible_to_a_manager(manager_client, superuser):
    assert "root" not in manager_client.get("/admin/auth/user/").content.decode()
    assert manager_client.get(f"/admin/auth/user/{superuser.pk}/change/").status_code == 302
    response = manager_client.post(f"/admin/auth/user/{superuser.pk}/password/", new_password(superuser))
    assert response.status_code in (302, 403, 404)
    superuser.refresh_from_db()
    assert superuser.check_password(TEST_PASSWORD)


def test_a_manager_cannot_change_another_manager_or_set_their_password(manager_client, other_manager):
    data = change_data(other_manager, [])
    assert manager_client.post(f"/admin/auth/user/{other_manager.pk}/change/", data).status_code == 403
    manager_client.post(f"/admin/auth/user/{other_manager.pk}/password/", new_password(other_manager))
    other_manager.refresh_from_db()
    assert other_manager.check_password(TEST_PASSWORD)
    assert other_manager.groups.filter(name="Manager").exists()


def test_the_admins_set_password_page_leads_to_the_account_page(manager_client, analyst):
    response = manager_client.get(f"/admin/auth/user/{analyst.pk}/password/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/accounts/{analyst.pk}/"


def test_a_manager_cannot_change_their_own_groups(manager_client, manager):
    data = change_data(manager, [group("Manager"), group("Senior analyst")])
    manager_client.post(f"/admin/auth/user/{manager.pk}/change/", data)
    assert set(manager.groups.values_list("name", flat=True)) == {"Manager"}


def test_a_manager_cannot_make_anyone_a_manager(manager_client, analyst):
    body = manager_client.get(f"/admin/auth/user/{analyst.pk}/change/").content.decode()
    assert f'value="{group("Manager").pk}"' not in body
    manager_client.post(f"/admin/auth/user/{analyst.pk}/change/", change_data(analyst, [group("Manager")]))
    assert not analyst.groups.filter(name="Manager").exists()


def test_a_manager_can_still_change_a_name_in_the_admin_and_it_is_audited(manager_client, manager, analyst):
    data = change_data(analyst, [group("Analyst")]) | {"first_name": "Ada"}
    response = manager_client.post(f"/admin/auth/user/{analyst.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    analyst.refresh_from_db()
    assert analyst.first_name == "Ada"
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_CHANGED)
    assert event.actor == manager and "First name" in event.details["fields"]


def test_not_even_a_superuser_changes_roles_in_the_admin(client, superuser, analyst):
    from testsupport.personas import login_verified

    login_verified(client, superuser)
    client.post(f"/admin/auth/user/{analyst.pk}/change/", change_data(analyst, [group("Manager")]))
    assert not analyst.groups.filter(name="Manager").exists()
    client.post(f"/admin/auth/user/{analyst.pk}/password/", new_password(analyst))
    analyst.refresh_from_db()
    assert analyst.check_password(TEST_PASSWORD)


def test_not_even_a_superuser_adds_removes_or_reads_a_device_in_the_admin(client, superuser, analyst):
    from testsupport.personas import login_verified

    login_verified(client, superuser)
    device = analyst.totp_device
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.get("/admin/otp_static/staticdevice/add/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_role_groups_cannot_be_edited_in_the_admin(client, superuser):
    from testsupport.personas import login_verified

    login_verified(client, superuser)
    analyst_group = group("Analyst")
    assert client.get(f"/admin/auth/group/{analyst_group.pk}/delete/").status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403


def test_the_admin_never_shows_a_manager_an_authenticator_key(manager_client, analyst):
    device = analyst.totp_device
    body = manager_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in body
    assert "qrcode" not in manager_client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert manager_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert manager_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_key_pages_stay_refused_to_a_manager_even_if_the_setting_is_turned_off(manager_client, analyst, settings):
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False
    device = analyst.totp_device
    assert manager_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert manager_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_a_manager_cannot_reset_a_superusers_or_another_managers_authenticator(
    manager_client, superuser, other_manager
):
    for user in (superuser, other_manager):
        device = user.totp_device
        manager_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
