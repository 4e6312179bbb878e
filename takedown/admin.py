"""The takedown pages of the admin: who notices go to, what they say, and what became of them.

Managers keep the three kinds of recipient (each on its own page, through
the proxy models) and the notice templates; everything else is read-only.
Recipients are never deleted (notices point at them): they are deactivated.
Changes saved here reach the audit trail through LogEntry (staff.admin);
approving and rejecting go through takedown.contact_approval, which audits.
Reported addresses appear only defanged, never as links.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from staff.durations import duration_words
from takedown import lifecycle
from takedown.contact_approval import ContactApprovalError, contact_approve, contact_reject
from takedown.models import (
    ContactLookup,
    HostingProvider,
    LawEnforcementContact,
    Notice,
    NoticeBatch,
    NoticeTemplate,
    PartnerHotline,
    Recipient,
    Reply,
    Takedown,
)
from triage.defang import defang, defang_text

# --- Recipients ----------------------------------------------------------------------


class WebhookRecipientForm(forms.ModelForm):
    """The shared secret is written, never shown: the page does not send it back to the browser."""

    webhook_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Partner hotlines and police channels that take notices by webhook: they are POSTed here.",
    )
    webhook_secret = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Signs every webhook notice (HMAC-SHA256). Leave empty to keep the current secret.",
    )

    def clean_webhook_secret(self) -> str:
        secret = self.cleaned_data.get("webhook_secret", "")
        if not secret and self.instance.pk:
            return self.instance.webhook_secret
        return secret


class ApprovalFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        waiting = model_admin.get_queryset(request).filter(approved=False, active=True).count()
        return [
            ("waiting", f"Awaiting approval ({waiting})"),
            ("approved", "Approved"),
            ("rejected", "Rejected or deactivated before approval"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(approved=False, active=True)
        if self.value() == "approved":
            return queryset.filter(approved=True)
        if self.value() == "rejected":
            return queryset.filter(approved=False, active=False)
        return queryset


class RecipientAdmin(admin.ModelAdmin):
    """Shared by the three pages. Permissions are the Recipient model's, which the Manager role holds."""

    list_filter = ("active",)
    search_fields = ("name", "email", "countries")
    readonly_fields = ("created_at",)

    def _can(self, request, action: str) -> bool:
        return request.user.has_perm(f"takedown.{action}_recipient")

    def has_module_permission(self, request) -> bool:
        return self._can(request, "view") or self._can(request, "change")

    def has_view_permission(self, request, obj=None) -> bool:
        return self._can(request, "view") or self._can(request, "change")

    def has_add_permission(self, request) -> bool:
        return self._can(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._can(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Notices and batches point at recipients (PROTECT): deactivate instead.
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A new or corrected contact may be what held takedowns were waiting for.
        transaction.on_commit(lifecycle.takedowns_route_held)


@admin.register(HostingProvider)
class HostingProviderAdmin(RecipientAdmin):
    list_display = ("name", "email", "cidr_summary", "approved", "source", "active", "found_at")
    list_filter = (ApprovalFilter, "source", "active")
    search_fields = ("name", "email", "cidrs", "network_names", "asns", "rdap_handle")
    fieldsets = (
        (None, {"fields": ("name", "email", "active", "notes")}),
        ("Which records are theirs", {"fields": ("network_names", "asns", "cidrs")}),
        (
            "Where it came from",
            {"fields": ("source", "approved", "approved_by", "approved_at", "rdap_handle", "rdap_server", "found_at")},
        ),
    )
    # Approval is an action, never a checkbox: it must be the approving service, which audits and routes.
    readonly_fields = (
        "source",
        "approved",
        "approved_by",
        "approved_at",
        "rdap_handle",
        "rdap_server",
        "found_at",
        "created_at",
    )
    actions = ("approve_contacts", "reject_contacts")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The model allows a webhook instead of an email; a hosting provider's abuse desk is an email address.
        form.base_fields["email"].required = True
        return form

    @admin.display(description="Address blocks")
    def cidr_summary(self, obj: Recipient) -> str:
        blocks = [str(network) for network in obj.cidr_list()]
        return ", ".join(blocks[:3]) + (f" and {len(blocks) - 3} more" if len(blocks) > 3 else "")

    def changelist_view(self, request, extra_context=None):
        waiting = self.get_queryset(request).filter(approved=False, active=True).count()
        if waiting:
            extra_context = {
                **(extra_context or {}),
                "subtitle": f"{waiting} contact{'s' if waiting != 1 else ''} found automatically "
                "awaiting approval: filter by approval to see them.",
            }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            # Entered by a person: approved if that person may approve, held otherwise.
            obj.source = Recipient.Source.MANUAL
            obj.approved = request.user.has_perm("takedown.approve_contact")
            if obj.approved:
                obj.approved_by = request.user
                obj.approved_at = timezone.now()
        super().save_model(request, obj, form, change)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("takedown.approve_contact")

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done, routed = 0, 0
        for contact in queryset.order_by("pk"):
            try:
                routed += decide(recipient=contact, user=request.user, request=request) or 0
            except ContactApprovalError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                done += 1
        if done:
            summary = f"{verb} {done} contact(s)."
            if routed:
                summary += f" {routed} held takedown(s) now have a notice queued."
            self.message_user(request, summary, messages.SUCCESS)

    @admin.action(description="Approve the selected contacts (notices may then go to them)", permissions=["approve"])
    def approve_contacts(self, request, queryset) -> None:
        self._decide(request, queryset, contact_approve, "Approved")

    @admin.action(description="Reject the selected contacts (deactivated, never used)", permissions=["approve"])
    def reject_contacts(self, request, queryset) -> None:
        self._decide(request, queryset, contact_reject, "Rejected")


@admin.register(PartnerHotline)
class PartnerHotlineAdmin(RecipientAdmin):
    form = WebhookRecipientForm
    list_display = ("name", "countries", "email", "channel", "active")
    fields = ("name", "countries", "email", "webhook_url", "webhook_secret", "active", "notes", "created_at")


@admin.register(LawEnforcementContact)
class LawEnforcementContactAdmin(RecipientAdmin):
    form = WebhookRecipientForm
    list_display = ("name", "countries", "email", "channel", "active")
    fields = ("name", "countries", "email", "webhook_url", "webhook_secret", "active", "notes", "created_at")


# --- Notice templates ------------------------------------------------------------------


def _compile_errors(subject: str, body: str) -> list[str]:
    """The syntax errors Django's template engine finds (used until takedown.notices.render exists)."""
    from django.template import Engine, TemplateSyntaxError

    engine = Engine()
    errors = []
    for label, text in (("Subject", subject), ("Body", body)):
        try:
            engine.from_string(text)
        except TemplateSyntaxError as exc:
            errors.append(f"{label}: {exc}")
    return errors


def template_problems(subject: str, body: str) -> list[str]:
    try:
        from takedown.notices.render import template_errors
    except ImportError:
        return _compile_errors(subject, body)
    return list(template_errors(subject, body))


class NoticeTemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ("kind", "purpose", "subject", "body")

    def clean(self):
        cleaned = super().clean()
        subject, body = cleaned.get("subject"), cleaned.get("body")
        if subject is not None and body is not None:
            problems = template_problems(subject, body)
            if problems:
                # A template that does not render would stop every notice of its kind.
                raise ValidationError(problems)
        return cleaned


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    form = NoticeTemplateForm
    list_display = ("__str__", "subject", "updated_at", "updated_by")
    list_filter = ("kind", "purpose")

    def get_readonly_fields(self, request, obj=None):
        # Which notice a template is for is fixed once it exists; only the words change.
        return ("kind", "purpose", "updated_at", "updated_by") if obj else ("updated_at", "updated_by")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Notices of its kind would have no text.

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


# --- Read-only: what happened ----------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (routing, sending, staff pages): here to be looked at."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Address (defanged)")
    def address(self, obj) -> str:
        record = obj.record if isinstance(obj, Takedown) else obj.takedown.record
        return defang(record.url)


@admin.register(Takedown)
class TakedownAdmin(ReadOnlyAdmin):
    list_display = ("record_id", "address", "route", "status", "recipient", "country_code", "routed_at")
    list_filter = ("status", "route")
    search_fields = ("=record__id", "record__host")
    list_select_related = ("record", "recipient")
    fields = (
        "record",
        "address",
        "route",
        "status",
        "reason",
        "country_code",
        "recipient",
        "routed_at",
        "overridden_by",
        "overridden_at",
        "cycle",
        "first_notice_at",
        "last_notice_at",
        "repeated_at",
        "escalated_at",
        "closed_at",
        "gone_after_report",
        "gone_after_notice",
        "reopened_at",
    )
    readonly_fields = fields

    # In words ("3 days, 4 hours"), not Python's "3 days, 4:00:00".
    @admin.display(description="removal after the first report")
    def gone_after_report(self, obj: Takedown) -> str:
        return duration_words(obj.removal_after_report) or "-"

    @admin.display(description="removal after the first notice")
    def gone_after_notice(self, obj: Takedown) -> str:
        return duration_words(obj.removal_after_notice) or "-"


@admin.register(NoticeBatch)
class NoticeBatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "recipient", "channel", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "channel")
    search_fields = ("recipient__name", "=key")
    list_select_related = ("recipient",)
    fields = (
        "recipient",
        "channel",
        "key",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "response_status",
        "last_error",
        "subject_defanged",
        "body_defanged",
    )
    readonly_fields = fields

    actions = ("send_again",)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("staff.manage_configuration"):
            actions.pop("send_again", None)
        return actions

    @admin.action(description="Send the selected failed notices again")
    def send_again(self, request, queryset) -> None:
        from takedown.notices.delivery import batch_resend

        sent = sum(
            batch_resend(batch_id=pk, user=request.user, request=request)
            for pk in queryset.values_list("pk", flat=True)
        )
        skipped = queryset.count() - sent
        self.message_user(
            request, f"{sent} notice batch(es) queued again" + (f"; {skipped} were not failed" if skipped else "")
        )

    # The message as sent carries the addresses in clear, for the recipient; staff see them defanged.
    @admin.display(description="Subject")
    def subject_defanged(self, obj: NoticeBatch) -> str:
        return defang_text(obj.subject)

    @admin.display(description="Body")
    def body_defanged(self, obj: NoticeBatch) -> str:
        return defang_text(obj.body)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "address", "recipient", "purpose", "cycle", "created_at", "batch")
    list_filter = ("purpose",)
    search_fields = ("=takedown__record__id", "recipient__name")
    list_select_related = ("takedown__record", "recipient", "batch")
    fields = ("takedown", "address", "recipient", "purpose", "cycle", "created_at", "batch")
    readonly_fields = fields


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ("pk", "address", "recipient", "says", "received_at", "recorded_by")
    list_filter = ("says",)
    search_fields = ("=takedown__record__id",)
    list_select_related = ("takedown__record", "recipient", "recorded_by")
    fields = (
        "takedown",
        "address",
        "recipient",
        "says",
        "received_at",
        "text_defanged",
        "moved_to_defanged",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields

    @admin.display(description="Text")
    def text_defanged(self, obj: Reply) -> str:
        return defang_text(obj.text)

    @admin.display(description="Moved to")
    def moved_to_defanged(self, obj: Reply) -> str:
        return defang(obj.moved_to)


@admin.register(ContactLookup)
class ContactLookupAdmin(ReadOnlyAdmin):
    list_display = ("ip", "outcome", "looked_up_at", "recipient", "server")
    list_filter = ("outcome",)
    search_fields = ("ip", "recipient__name", "recipient__email")
    list_select_related = ("recipient",)
    fields = ("ip", "outcome", "looked_up_at", "recipient", "server", "error")
    readonly_fields = fields

    # The Manager role has no view_contactlookup; whoever approves contacts needs to see where they came from.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("takedown.view_contactlookup") or request.user.has_perm("takedown.approve_contact")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)
