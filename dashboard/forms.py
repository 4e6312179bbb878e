from __future__ import annotations

from datetime import UTC, date, timedelta

from django import forms
from django.utils import timezone

from dashboard.selectors import Period
from portals.models import Portal

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    portal = forms.ModelChoiceField(
        queryset=Portal.objects.all(), required=False, empty_label="All portals", label="Portal"
    )

    def clean(self):
        data = super().clean()
        today = timezone.now().astimezone(UTC).date()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The start date must not be after the end date.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        data["period"] = Period(start, end)
        return data


def default_period(today: date | None = None) -> Period:
    end = today or timezone.now().astimezone(UTC).date()
    return Period(end - timedelta(days=DEFAULT_DAYS - 1), end)
