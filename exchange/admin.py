"""The exchange in the admin: managers set up partners; forwards and statuses are there to be looked at.

A partner is switched off, never deleted (forwards point at it). The API key
and the shared secret are written, never shown. Changes reach the audit trail
through LogEntry (staff.admin). Addresses appear only defanged.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages

from exchange import statuses
from exchange.models import ExchangePartner, Forward, ForwardEvent, InboundForward, StatusUpdate
from triage.defang import defang


class ExchangePartnerForm(forms.ModelForm):
    api_url = forms.URLField(
        label="API URL",
        max_length=500,
        assume_scheme="https",
        help_text="The partner's API base, e.g. https://hotline.example/api/v1/ (https; http only to this machine).",
    )
    api_key = forms.CharField(
        label="API key",
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="The API key the partner gave us (exchange scope). Leave empty to keep the current key.",
    )
    secret = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Shared with the partner (at least 32 characters); signs requests both ways. Leave empty to keep "
        f"the current one. A fresh one, if you need it: {secrets.token_urlsafe(32)}",
    )

    class Meta:
        model = ExchangePartner
        fields = ("name", "recipient", "member", "api_url", "api_key", "secret", "active", "notes")

    def _kept(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        if not value and self.instance.pk:
            return getattr(self.instance, name)
        if not value:
            raise forms.ValidationError("Required for a new partner.")
        return value

    def clean_api_key(self) -> str:
        return self._kept("api_key")

    def clean_secret(self) -> str:
        return self._kept("secret")


@admin.register(ExchangePartner)
class ExchangePartnerAdmin(admin.ModelAdmin):
    form = ExchangePartnerForm
    list_display = ("name", "recipient", "member", "api_url", "active")
    list_filter = ("active",)
    search_fields = ("name", "api_url")
    readonly_fields = ("created_at",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # forwards point at it: switch it off instead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Address (defanged)")
    def address(self, obj) -> str:
        return defang(obj.record.url)


class ForwardEventInline(admin.TabularInline):
    model = ForwardEvent
    fields = ("sequence", "status", "outcome_label", "detail", "at", "received_at", "applied")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Forward)
class ForwardAdmin(ReadOnlyAdmin):
    list_display = ("reference", "address", "partner", "partner_reference", "status", "updated_at")
    list_filter = ("status", "partner")
    search_fields = ("reference", "partner_reference")
    exclude = ("record",)
    readonly_fields = ("address",)
    inlines = [ForwardEventInline]


@admin.register(InboundForward)
class InboundForwardAdmin(ReadOnlyAdmin):
    list_display = ("reference", "address", "partner", "record_id", "last_status", "received_at")
    list_filter = ("last_status", "partner")
    search_fields = ("reference",)
    exclude = ("record", "report")
    readonly_fields = ("address",)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    list_display = ("inbound", "status", "sequence", "state", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("state", "status")
    actions = ("send_again",)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("staff.manage_configuration"):
            actions.pop("send_again", None)
        return actions

    @admin.action(description="Send the selected failed status updates again")
    def send_again(self, request, queryset) -> None:
        ids = queryset.values_list("pk", flat=True)
        count = sum(statuses.update_resend(update_id=pk, user=request.user, request=request) for pk in ids)
        self.message_user(request, f"{count} status update(s) will be sent again.", messages.SUCCESS)
