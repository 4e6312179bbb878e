from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.audit import audit_record
from staff.models import AuditEvent
from staff.roles import MANAGER


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


def _protected_users(request):
    """Accounts a non-superuser may not change, nor reset the authenticator of.

    Superusers, and every other Manager: otherwise a manager could reset a
    password and an authenticator and sign in as them. A superuser may change
    anyone.
    """
    if request.user.is_superuser:
        return User.objects.none()
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=MANAGER.group)).exclude(pk=request.user.pk)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Managers add people, set Analyst/Senior analyst roles and deactivate accounts.

    For anyone but a superuser: superusers are not listed at all; other
    Managers can be looked at but not changed (nor their password set); the
    Manager role cannot be granted; and one's own account's groups and
    permissions are read-only, so nobody raises their own role.
    """

    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    # Roles are three tick boxes, not the two-list chooser (whose icons carry ARIA labels axe refuses).
    filter_horizontal = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        # Also guards the admin's set-password page, which asks this.
        return obj is None or not _protected_users(request).filter(pk=obj.pk).exists()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and obj is not None and obj.pk == request.user.pk:
            fields += ["groups", "user_permissions", "is_staff", "is_superuser"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Only a superuser makes someone a Manager.
            kwargs["queryset"] = Group.objects.exclude(name=MANAGER.group)
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deactivate instead: the trail and the assessments keep pointing at the account.
        return request.user.is_superuser


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Managers see authenticators only to delete one (a lost phone; the person enrols again).

    OTP_ADMIN_HIDE_SENSITIVE_DATA hides the key and QR code; the key and QR
    pages are refused to everyone but a superuser whatever that setting says,
    and a non-superuser does not see the devices of superusers or other Managers.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(user__in=_protected_users(request))

    def config_view(self, request, pk):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().qrcode_view(request, pk)


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
