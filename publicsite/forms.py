"""The public report form and the status look-up form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.addresses import AddressError, canonicalize, inline_content_refusal
from reports.models import Report
from reports.services import AddressInput

# Unicode bidi isolation (U+2066 LEFT-TO-RIGHT ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE).
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


# The description is text: a picture pasted in as data: or base64 is refused like one in an address.
INLINE_CONTENT_IN_TEXT = _(
    "This text contains an encoded picture or file. Please don't send pictures; describe in words how you "
    "came across the page."
)


class FocusFirstErrorMixin:
    """After a failed submit, put the cursor on the first field to fix (no JavaScript needed)."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["autofocus"] = True
                break


class ReportForm(FocusFirstErrorMixin, forms.Form):
    addresses = forms.CharField(
        label=_("Web addresses"),
        help_text=_("Paste the full address of each page, one per line (up to 20)."),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "url",
                "dir": "ltr",
            }
        ),
    )
    seen = forms.ChoiceField(
        label=_("What did you see?"),
        choices=Report.Seen.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you saw. If you are not sure, choose “Not sure”.")},
    )
    found_on = forms.ChoiceField(
        label=_("Where did you find the address?"),
        choices=Report.FoundOn.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where you found the address, or “Somewhere else”.")},
    )
    description = forms.CharField(
        label=_("Anything else we should know (optional)"),
        help_text=_("For example, how you came across the page. Please do not describe yourself."),
        required=False,
        max_length=settings.REPORT_MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": settings.REPORT_MAX_DESCRIPTION}),
    )
    contact_email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if you would like a reply. You can leave this empty and stay anonymous."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    # Bot traps (see publicsite.formguard): a field people never see, and a signed
    # token that says when the form was served.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        if inline_content_refusal(description):
            raise forms.ValidationError(INLINE_CONTENT_IN_TEXT, code="inline_content")
        return description

    def clean_addresses(self) -> list[AddressInput]:
        lines = [line.strip() for line in self.cleaned_data["addresses"].splitlines()]
        typed = [line for line in lines if line]
        if not typed:
            raise forms.ValidationError(_("Enter at least one web address."), code="required")
        limit = settings.REPORT_MAX_ADDRESSES
        if len(typed) > limit:
            raise forms.ValidationError(
                ngettext(
                    "You entered %(count)d address; one report can hold %(limit)d.",
                    "You entered %(count)d addresses; one report can hold %(limit)d. "
                    "Please send the rest in another report.",
                    len(typed),
                )
                % {"count": len(typed), "limit": limit},
                code="too_many",
            )
        accepted, errors = [], []
        for number, line in enumerate(typed, start=1):
            try:
                accepted.append(AddressInput(as_typed=line, canonical=canonicalize(line)))
            except AddressError as exc:
                shown = line if len(line) <= 80 else line[:77] + "…"
                # Isolated left-to-right, so an address inside an Arabic sentence keeps its order.
                shown = LTR_ISOLATE + shown + POP_ISOLATE
                errors.append(
                    forms.ValidationError(
                        _("Line %(number)d (%(address)s): %(problem)s"),
                        params={"number": number, "address": shown, "problem": exc.message},
                        code="invalid_address",
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return accepted


class StatusForm(FocusFirstErrorMixin, forms.Form):
    reference = forms.CharField(
        label=_("Report reference"),
        max_length=32,
        help_text=_("It looks like R-4K7Q-M2XD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "dir": "ltr"}
        ),
    )
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        help_text=_("The code shown once when you sent your report."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )
