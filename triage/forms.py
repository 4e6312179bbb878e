"""The assessment form (on the record page, the confirmation page and the bulk page) and the queue filters."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from reports.models import Report, UrlRecord
from triage.defang import defang_host
from triage.models import AgeGroup, Outcome, Sex, SiteType, TriageState, is_criminal

DETAILS = ("age_group", "sex", "site_type", "commercial")
_BLANK = [("", "—")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AssessmentForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices, widget=forms.RadioSelect, error_messages={"required": "Choose an outcome."}
    )
    duplicate_of = forms.IntegerField(
        required=False, min_value=1, label="Duplicate of record number", help_text="Our record number, e.g. 1234."
    )
    age_group = forms.ChoiceField(required=False, choices=_BLANK + AgeGroup.choices, label="Youngest child's age")
    sex = forms.ChoiceField(required=False, choices=_BLANK + Sex.choices)
    site_type = forms.ChoiceField(required=False, choices=_BLANK + SiteType.choices, label="Site type")
    commercial = forms.TypedChoiceField(
        required=False,
        choices=_BLANK + [("yes", "Commercial"), ("no", "Not commercial")],
        coerce=_yes_no,
        empty_value=None,
    )
    dedicated_domain = forms.BooleanField(
        required=False,
        label="The whole domain is dedicated to abuse",
        help_text="Blocks the domain and every name under it in members' DNS resolvers (RPZ), not just this "
        "address, once a second senior analyst confirms. Only for a domain that exists for this material, "
        "never for a shared host or platform.",
    )
    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Notes (optional)"
    )

    def __init__(self, *args, record: UrlRecord | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()
        if record is not None and record.registrable_domain:
            domain = defang_host(record.registrable_domain)
            self.fields["dedicated_domain"].label = f"The whole domain {domain} is dedicated to abuse"

    def _layout(self) -> Layout:
        return Layout(
            Field("outcome", css_class="outcome-choice"),
            Div("duplicate_of", css_class="duplicate-details"),
            _criminal_details(dedicated=True),
            "notes",
        )

    def clean_duplicate_of(self) -> UrlRecord | None:
        number = self.cleaned_data.get("duplicate_of")
        if number is None:
            return None
        original = UrlRecord.objects.filter(pk=number).first()
        if original is None:
            raise forms.ValidationError("There is no record with that number.")
        if self.record is not None and original.pk == self.record.pk:
            raise forms.ValidationError("A record cannot be a duplicate of itself.")
        return original

    def clean(self) -> dict:
        data = super().clean()
        outcome = data.get("outcome")
        if not outcome:
            return data
        if is_criminal(outcome):
            for name in DETAILS:
                if data.get(name) in ("", None):
                    self.add_error(name, "Needed for a criminal outcome.")
        else:
            for name in DETAILS:
                if data.get(name) not in ("", None):
                    self.add_error(name, "Only for criminal outcomes: leave it empty.")
            if data.get("dedicated_domain"):
                self.add_error("dedicated_domain", "Only for criminal outcomes: leave it unticked.")
        if data.get("dedicated_domain") and self.record is not None and not self.record.registrable_domain:
            self.add_error("dedicated_domain", "This address has no domain name: only the address itself is listed.")
        if outcome == Outcome.DUPLICATE:
            if data.get("duplicate_of") is None and "duplicate_of" not in self.errors:
                self.add_error("duplicate_of", "Give the number of the record this one duplicates.")
        elif data.get("duplicate_of") is not None:
            self.add_error("duplicate_of", "Only for the duplicate outcome: leave it empty.")
        return data


def _criminal_details(*, dedicated: bool = False) -> Fieldset:
    return Fieldset(
        "For criminal outcomes",
        Div(*(Div(name, css_class="col-6") for name in DETAILS), css_class="row g-2"),
        *(["dedicated_domain"] if dedicated else []),
        css_class="criminal-details",
    )


class BulkAssessmentForm(AssessmentForm):
    """One outcome for every pending record of one host. "Duplicate" has no meaning for a whole host."""

    host = forms.CharField(
        max_length=255,
        help_text="Exactly as in the queue, e.g. img.example[.]com.",
        error_messages={"required": "Give the host, exactly as in the queue."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["duplicate_of"]
        # A whole domain is marked on one record, deliberately (see records_bulk_assess).
        del self.fields["dedicated_domain"]
        self.fields["outcome"].choices = [c for c in Outcome.choices if c[0] != Outcome.DUPLICATE]
        self.order_fields(["host"])

    def _layout(self) -> Layout:
        return Layout(
            Field("host", css_class="font-monospace"),
            Field("outcome", css_class="outcome-choice"),
            _criminal_details(),
            "notes",
        )

    def clean_host(self) -> str:
        return self.cleaned_data["host"].strip().lower().replace("[.]", ".").replace("[:]", ":")


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any")]
        + [(s.value, s.label) for s in (TriageState.Status.AWAITING_ASSESSMENT, TriageState.Status.DISPUTED)],
    )
    country = forms.CharField(required=False, max_length=2, label="Hosting country", help_text="Two letters, e.g. NL")
    host = forms.CharField(required=False, max_length=255, label="Host or domain")
    found_on = forms.ChoiceField(required=False, choices=[("", "Anywhere")] + Report.FoundOn.choices, label="Found on")
    received_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    received_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()
