import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from staff.roles import ROLES, roles_sync

pytestmark = pytest.mark.django_db


def perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_leaves_each_role_with_every_permission_that_exists():
    for role in ROLES.values():
        existing = {
            dotted
            for dotted in role.permissions
            if Permission.objects.filter(
                content_type__app_label=dotted.split(".")[0], codename=dotted.split(".")[1]
            ).exists()
        }
        assert perms(role.group) == existing


def test_the_manager_role_holds_the_staff_permissions():
    assert {"staff.view_audit", "staff.view_dashboard", "staff.manage_configuration"} <= perms("Manager")
    assert "auth.change_user" in perms("Manager")
    assert "auth.delete_user" not in perms("Manager")


def test_triage_permissions_are_attached_once_they_exist():
    content_type, _ = ContentType.objects.get_or_create(app_label="triage", model="assessment")
    for codename in ("assess_record", "confirm_assessment", "bulk_assess"):
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": codename})
    roles_sync()
    assert perms("Analyst") == {"triage.assess_record", "takedown.view_takedowns"}
    assert perms("Senior analyst") == {
        "triage.assess_record",
        "triage.confirm_assessment",
        "triage.bulk_assess",
        "takedown.view_takedowns",
        "takedown.override_route",
    }


def test_a_permission_added_to_a_role_by_hand_is_taken_away_again():
    Group.objects.get(name="Analyst").permissions.add(Permission.objects.get(codename="view_audit"))
    roles_sync()
    assert "staff.view_audit" not in perms("Analyst")


def test_the_top_bar_names_the_most_senior_role(manager_client, senior_client, outsider_client):
    assert "Manager</span>" in manager_client.get("/staff/").content.decode()
    assert "Senior analyst</span>" in senior_client.get("/staff/").content.decode()
    assert "No role</span>" in outsider_client.get("/staff/").content.decode()
