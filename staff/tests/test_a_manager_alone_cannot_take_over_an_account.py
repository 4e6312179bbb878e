"""Issue 15 item 3: one manager alone must not reset a password, remove a
second factor or change a role. Through the admin each of these is refused;
the two-person rule (staff.account_changes) is the only way."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from testsupport.personas import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "an entirely new passphrase 77"


def change_data(user, groups, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(g.pk) for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    data.update(overrides)
    return data


def test_a_manager_cannot_set_an_analysts_password_in_the_admin(manager_client, analyst):
    manager_client.post(f"/admin/auth/user/{analyst.pk}/password/", {"password1": NEW, "password2": NEW})
    analyst.refresh_from_db()
    assert analyst.check_password(TEST_PASSWORD)


def test_a_manager_cannot_delete_an_analysts_authenticator_in_the_admin(manager_client, analyst):
    device = analyst.totp_device
    manager_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_manager_cannot_bulk_delete_authenticators_in_the_admin(manager_client, analyst):
    device = analyst.totp_device
    manager_client.post(
        "/admin/otp_totp/totpdevice/", {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"}
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_manager_cannot_change_an_analysts_role_in_the_admin(manager_client, analyst):
    groups = [Group.objects.get(name="Analyst"), Group.objects.get(name="Senior analyst")]
    manager_client.post(f"/admin/auth/user/{analyst.pk}/change/", change_data(analyst, groups))
    assert set(analyst.groups.values_list("name", flat=True)) == {"Analyst"}


def test_a_manager_cannot_make_an_analyst_admin_staff_in_the_admin(manager_client, analyst):
    groups = [Group.objects.get(name="Analyst")]
    manager_client.post(f"/admin/auth/user/{analyst.pk}/change/", change_data(analyst, groups, is_staff="on"))
    analyst.refresh_from_db()
    assert not analyst.is_staff


def test_a_manager_cannot_reactivate_an_account_in_the_admin(manager_client, analyst):
    analyst.is_active = False
    analyst.save()
    groups = [Group.objects.get(name="Analyst")]
    response = manager_client.post(
        f"/admin/auth/user/{analyst.pk}/change/", change_data(analyst, groups, is_active="on")
    )
    analyst.refresh_from_db()
    assert not analyst.is_active
    assert "second manager" in response.content.decode()
