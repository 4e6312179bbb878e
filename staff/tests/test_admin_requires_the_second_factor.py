import pytest
from django.contrib import admin

from staff.models import AuditEvent
from testsupport.personas import login_password_only, make_staff

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_django_otps(rf):
    from django_otp.admin import OTPAdminSite

    assert isinstance(admin.site, OTPAdminSite)


def test_the_admin_login_sends_people_to_the_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith("/staff/login/?next=%2Fadmin%2F")


def test_a_verified_manager_reaches_the_admin(manager_client):
    assert manager_client.get("/admin/").status_code == 200


def test_a_manager_with_only_a_password_does_not(client):
    login_password_only(client, make_staff("manager", is_staff=True))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/verify/")


def test_a_verified_analyst_is_refused_the_admin(analyst_client):
    response = analyst_client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_the_trail_in_the_admin_is_read_only(manager_client, manager):
    from staff.audit import audit_record

    event = audit_record(actor=manager, action=AuditEvent.Action.LOGIN)
    assert manager_client.get("/admin/staff/auditevent/").status_code == 200
    assert manager_client.get("/admin/staff/auditevent/add/").status_code == 403
    assert manager_client.post(f"/admin/staff/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_manager_cannot_make_anyone_a_superuser(manager_client, analyst):
    body = manager_client.get(f"/admin/auth/user/{analyst.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in body
    assert 'name="is_active"' in body


def test_changes_made_in_the_admin_reach_the_trail(manager_client, manager, analyst):
    data = {
        "username": "analyst",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "",  # deactivated
        "is_staff": "",
        "groups": [str(g.pk) for g in analyst.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    response = manager_client.post(f"/admin/auth/user/{analyst.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_CHANGED)
    assert event.actor == manager
    assert (event.target_type, event.target_id) == ("auth.user", str(analyst.pk))
    assert "Active" in event.details["fields"]
