from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models.signals import post_save
from django.dispatch import receiver

from staff.audit import audit_record
from staff.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail has no add, change or delete permission at all."""

    list_display = ("at", "actor_username", "action", "target_type", "target_id", "summary")
    list_filter = ("action",)
    search_fields = ("actor_username", "target_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "actor_username", "action", "target_type", "target_id", "summary", "details")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("staff.view_audit")

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm("staff.view_audit")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Managers add people, set roles and deactivate accounts; only a superuser grants superuser."""

    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deactivate instead: the trail and the assessments keep pointing at the account.
        return request.user.is_superuser


_PEOPLE = {"auth.user", "auth.group", "otp_totp.totpdevice", "otp_static.staticdevice"}
_VERBS = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}


def _changed_fields(entry: LogEntry) -> list[str]:
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    fields: list[str] = []
    for message in messages if isinstance(messages, list) else []:
        fields.extend(message.get("changed", {}).get("fields", []))
    return fields


@receiver(post_save, sender=LogEntry, dispatch_uid="staff.audit_admin_changes")
def _audit_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every change made in the admin reaches the trail too.

    Only the model, the id and the names of changed fields are kept: an
    object's text (object_repr) could hold a reporter's details.
    """
    if not created or instance.content_type is None:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    if label == "staff.auditevent":
        return
    fields = _changed_fields(instance)
    verb = _VERBS.get(instance.action_flag, "Changed")
    summary = f"{verb} {label} {instance.object_id}" + (f" ({', '.join(fields)})" if fields else "")
    audit_record(
        actor=instance.user,
        action=AuditEvent.Action.USER_CHANGED if label in _PEOPLE else AuditEvent.Action.CONFIGURATION_CHANGED,
        target=(label, instance.object_id or ""),
        summary=summary,
        details={"via": "admin", "change": verb.lower(), "fields": fields},
    )
