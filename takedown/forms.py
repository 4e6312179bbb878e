"""Forms for recording a reply and overriding a route."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from takedown.models import Recipient, Reply, Takedown
from takedown.selectors import override_choices


def _styled(form: forms.Form) -> None:
    """Bootstrap classes on every widget (the panel lays the fields out by hand)."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class ReplyForm(forms.Form):
    # No answer is preselected: whoever records a reply chooses what it said.
    says = forms.ChoiceField(
        label="They say",
        choices=[("", "Choose what they said")] + Reply.Says.choices,
        error_messages={"required": "Choose what they said."},
    )
    recipient = forms.ModelChoiceField(
        label="From", queryset=Recipient.objects.none(), required=False, empty_label="(someone else)"
    )
    received_at = forms.DateTimeField(
        label="Received (UTC)",
        required=False,
        help_text="Leave empty for now. Format: 2026-11-24 14:30",
        widget=forms.DateTimeInput(attrs={"placeholder": "YYYY-MM-DD HH:MM"}),
    )
    text = forms.CharField(
        label="Summary",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What they said, in a sentence or two. Never paste imagery or page content.",
    )
    moved_to = forms.CharField(
        label="Moved to",
        required=False,
        max_length=2000,
        help_text="Only when they say it moved: the new address, as they gave it.",
    )

    def __init__(self, *args, recipients: list[Recipient] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = [r.pk for r in recipients or []]
        # The queryset checks a posted choice; the list shown is built from the
        # recipients the page already loaded with its notices (no query).
        self.fields["recipient"].queryset = Recipient.objects.filter(pk__in=ids)
        self.fields["recipient"].choices = [("", "(someone else)")] + [(r.pk, str(r)) for r in recipients or []]
        _styled(self)

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError("A reply cannot arrive in the future.")
        return value

    def clean(self):
        data = super().clean()
        if data.get("says") == Reply.Says.MOVED and not (data.get("moved_to") or "").strip():
            self.add_error("moved_to", "Say where it moved: the new address is reported and assessed separately.")
        if data.get("says") != Reply.Says.MOVED and (data.get("moved_to") or "").strip():
            self.add_error("moved_to", "Only for a reply that says the content moved.")
        return data


class OverrideForm(forms.Form):
    route = forms.ChoiceField(
        label="Route", choices=Takedown.Route.choices, error_messages={"required": "Choose a route."}
    )
    recipient = forms.ModelChoiceField(
        label="Send to", queryset=Recipient.objects.none(), error_messages={"required": "Choose who to send it to."}
    )
    reason = forms.CharField(
        label="Why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the route changes."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Recipient.objects.filter(active=True, approved=True).order_by(
            "kind", "name"
        )
        self.fields["recipient"].label_from_instance = lambda r: f"{r.name} ({r.get_kind_display()})"
        if not self.is_bound:
            # Shown on every confirmed record's page: the list comes from the
            # cache (takedown.selectors.override_choices). A posted form checks
            # its choice against the queryset above, never against the cache.
            self.fields["recipient"].choices = [("", "---------"), *override_choices()]
        _styled(self)


class TakedownFilterForm(forms.Form):
    """The takedown lists' filters: all optional, each an exact match."""

    country = forms.CharField(
        label="Hosting country",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "NL", "size": 3}),
    )
    route = forms.ChoiceField(
        label="Acted on by",
        required=False,
        choices=[("", "Anyone")] + [(r.value, r.label) for r in Takedown.Route],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    overdue = forms.BooleanField(
        label="Overdue (noticed over the escalation time ago, still up)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError("Two letters, e.g. NL.")
        return country
