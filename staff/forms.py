from __future__ import annotations

from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"})
    )
    password = forms.CharField(strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolLinkForm(forms.Form):
    password = forms.CharField(strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class EnrolmentLinkCreateForm(forms.Form):
    username = forms.CharField(
        label="Staff account",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Person", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from staff.models import AuditEvent

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *AuditEvent.Action.choices]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Why")
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", "For the manager who approves: who asked, and how you checked it was them.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)


class RolesRequestForm(forms.Form):
    groups = forms.MultipleChoiceField(label="Roles", required=False, widget=forms.CheckboxSelectMultiple, choices=())
    is_staff = forms.BooleanField(label="May open the admin", required=False)
    reason = ReasonField()

    def __init__(self, *args, role_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(name, name) for name in role_names]


class DevicesRequestForm(forms.Form):
    devices = forms.MultipleChoiceField(label="Devices to remove", widget=forms.CheckboxSelectMultiple, choices=())
    reason = ReasonField()

    def __init__(self, *args, devices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["devices"].choices = devices


class ReasonOnlyForm(forms.Form):
    reason = ReasonField()

    def __init__(self, *args, reason_help: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_help:
            self.fields["reason"].help_text = reason_help


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)
