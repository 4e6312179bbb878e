"""Portals, for managers in the admin (behind the second factor; changes go on
the audit trail through the admin's LogEntry, see staff.admin).

Portals are deactivated, never deleted: reports point at them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from portals.models import Portal, language_choices


class PortalForm(forms.ModelForm):
    default_language = forms.ChoiceField(choices=language_choices, required=False)
    helpline_url = forms.URLField(label="Helpline web address", required=False, assume_scheme="https")

    class Meta:
        model = Portal
        fields = (
            "name", "slug", "host_names", "is_default", "active", "intro", "default_language",
            "extra_languages", "helpline_name", "helpline_phone", "helpline_url", "support_links", "home_country",
        )  # fmt: skip
        widgets = {
            "host_names": forms.Textarea(attrs={"rows": 3}),
            "intro": forms.Textarea(attrs={"rows": 4}),
            "support_links": forms.Textarea(attrs={"rows": 4}),
            "extra_languages": forms.Textarea(attrs={"rows": 2}),
        }


@admin.register(Portal)
class PortalAdmin(admin.ModelAdmin):
    form = PortalForm
    list_display = ("name", "slug", "host_list", "default_language", "home_country", "is_default", "active")
    list_filter = ("active", "is_default")
    search_fields = ("name", "slug", "host_names")
    fieldsets = (
        (None, {"fields": ("name", "slug", "host_names", "is_default", "active")}),
        ("Shown to reporters", {"fields": ("intro", "default_language", "extra_languages")}),
        (
            "After a report",
            {"fields": ("helpline_name", "helpline_phone", "helpline_url", "support_links")},
        ),
        ("Routing", {"fields": ("home_country",)}),
    )

    @admin.display(description="host names")
    def host_list(self, obj: Portal) -> str:
        return ", ".join(obj.host_name_list()) or "—"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
