"""Members and their keys, for managers in the admin (which already requires the second factor).

A new key is shown once, on the page that answers the "add" form: it is
rendered into that response and nowhere else (not a flash message, which
would sit in a cookie or the session until read). Only its hash is stored.
Keys are revoked, never deleted; creation and revocation go on the audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from memberapi import services
from memberapi.models import ApiKey, Member, Scope
from memberapi.throttling import rate_check
from staff.audit import audit_record
from staff.models import AuditEvent


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "prefix", "scopes", "expires_at", "revoked_at", "use_count", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # Keys are made on their own page, where the key can be shown once.


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_email", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "contact_email")
    fields = ("name", "contact_email", "active", "notes")
    inlines = [ApiKeyInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.MEMBER_CHANGED,
            target=obj,
            summary=f"{'Changed' if change else 'Added'} member {obj.name}"[:300],
            details={"fields": sorted(form.changed_data)},
            request=request,
        )


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ("member", "name", "scopes", "expires_at", "rate_limit")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = self.instance.scope_list()
        else:
            self.initial.setdefault("expires_at", timezone.now() + timedelta(days=settings.API_KEY_DAYS))

    def clean_scopes(self) -> str:
        return " ".join(s for s in Scope.values if s in self.cleaned_data["scopes"])

    def clean_rate_limit(self) -> str:
        rate = self.cleaned_data["rate_limit"].strip()
        if rate:
            try:
                rate_check(rate, name="The rate")
            except Exception as exc:
                raise forms.ValidationError(str(exc)) from None
        return rate


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "member", "prefix", "scopes", "expires_at", "revoked_at", "use_count", "last_used_at")
    list_filter = ("member", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "member__name")
    actions = ["revoke"]
    readonly_fields = ("prefix", "created_at", "created_by", "revoked_at", "revoked_by", "use_count", "last_used_at")

    def get_readonly_fields(self, request, obj=None):
        # A key stays with the member it was made for.
        return self.readonly_fields + (("member",) if obj is not None else ())

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.MEMBER_CHANGED,
                target=obj,
                summary=f"Changed key rsk_{obj.prefix}_… of {obj.member.name}"[:300],
                details={"fields": sorted(form.changed_data), "scopes": obj.scope_list()},
                request=request,
            )
            return
        made, key = services.api_key_create(
            member=obj.member,
            name=obj.name,
            scopes=obj.scopes.split(),
            expires_at=obj.expires_at,
            rate_limit=obj.rate_limit,
            created_by=request.user,
            request=request,
        )
        obj.pk, obj.prefix = made.pk, made.prefix
        request._memberapi_new_key = key  # for response_add only; never stored

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "_memberapi_new_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "key": key,
            "title": "API key created",
        }
        return TemplateResponse(request, "admin/memberapi/apikey/created.html", context)

    @admin.action(description="Revoke the selected keys now", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(services.api_key_revoke(api_key=key, by=request.user, request=request) for key in queryset)
        messages.success(request, f"{revoked} key(s) revoked; they are refused from now on.")
