from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
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

# Changed only through a request a second manager approves (staff.account_changes).
# is_active stays editable, but only to deactivate: taking access away never waits.
TWO_PERSON_FIELDS = ("groups", "user_permissions", "is_staff", "is_superuser")
REACTIVATION_REFUSED = "Reactivating needs a second manager's approval: ask on the account page."


def _protected_users(request):
    """Accounts a non-superuser may not change even the name of: superusers and every other Manager."""
    if request.user.is_superuser:
        return User.objects.none()
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=MANAGER.group)).exclude(pk=request.user.pk)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Managers add people and change their names here; nothing that grants access.

    Roles (groups), admin access, superuser status and permissions are
    read-only here for everyone, superusers included; "active" can only be
    switched off (reactivating is a request too); and
    the admin's set-password page leads to the account page instead: those
    change only with a second manager's approval (staff.account_changes).
    A non-superuser does not see superusers and cannot change other Managers.
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
        return obj is None or not _protected_users(request).filter(pk=obj.pk).exists()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(TWO_PERSON_FIELDS) if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        hidden = set() if request.user.is_superuser else {"is_superuser", "user_permissions"}
        account = reverse("staff:account", args=[obj.pk])
        note = format_html(
            "Roles, admin access, the password, second-factor devices and reactivation change only "
            'with a second manager\'s approval: <a href="{}">ask on the account page</a>.',
            account,
        )
        result = []
        for name, opts in fieldsets:
            opts = {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}
            if "is_active" in opts["fields"]:
                opts["description"] = note
            result.append((name, opts))
        return result

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or "is_active" not in form.base_fields:
            return form

        class DeactivateOnlyForm(form):
            def clean_is_active(self):
                # Runs before the form's values reach the instance: it still holds the stored state.
                if self.cleaned_data.get("is_active") and not self.instance.is_active:
                    raise forms.ValidationError(REACTIVATION_REFUSED)
                return self.cleaned_data.get("is_active")

        return DeactivateOnlyForm

    def user_change_password(self, request, id, form_url=""):
        # Never set here: a password reset is asked for, and approved by someone else.
        return redirect("staff:account", pk=id)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deactivate instead: the trail and the assessments keep pointing at the account.
        return request.user.is_superuser


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Authenticators can be looked at here, never added, changed, removed or shown.

    Removing one is a request a second manager approves (staff.account_changes);
    staff.admin_site makes every device admin read-only, whatever its kind.
    The key and QR code pages are refused to everyone.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(user__in=_protected_users(request))

    def config_view(self, request, pk):
        raise PermissionDenied

    def qrcode_view(self, request, pk):
        raise PermissionDenied


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
