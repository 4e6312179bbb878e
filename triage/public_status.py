"""The one rule for what a reporter or a reporting partner may see of their report.

Coarse on purpose: it says how far the hotline has got, never what was found.
The public status page shows it for a whole report, the partner API for the
report and for each of its addresses; both read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models import Report
from triage.models import FINAL, TriageState

Status = TriageState.Status


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    BEING_ASSESSED = "being_assessed", _("Being assessed")
    ACTION_TAKEN = "action_taken", _("Action taken")
    NO_ACTION = "no_action", _("No action needed")
    CLOSED = "closed", _("Closed")


def address_public_status(triage_status: str | None, started_at: datetime | None) -> PublicStatus:
    """One address: action taken once confirmed criminal; no action needed once finally assessed
    otherwise; being assessed once an analyst has taken it up; received until then (an address
    still being enriched has no triage row yet and counts as not started)."""
    if triage_status == Status.CONFIRMED_CRIMINAL:
        return PublicStatus.ACTION_TAKEN
    if triage_status in FINAL:
        return PublicStatus.NO_ACTION
    if triage_status not in (None, Status.AWAITING_ASSESSMENT) or started_at is not None:
        return PublicStatus.BEING_ASSESSED
    return PublicStatus.RECEIVED


def overall_public_status(statuses: Iterable[PublicStatus]) -> PublicStatus:
    """A report of several addresses: the furthest any of them got, and no action only once all are done."""
    shown = set(statuses)
    if PublicStatus.ACTION_TAKEN in shown:
        return PublicStatus.ACTION_TAKEN
    if shown == {PublicStatus.NO_ACTION}:
        return PublicStatus.NO_ACTION
    if shown & {PublicStatus.BEING_ASSESSED, PublicStatus.NO_ACTION}:
        return PublicStatus.BEING_ASSESSED
    return PublicStatus.RECEIVED


def report_public_status(report: Report) -> PublicStatus:
    """The status of the whole report, in one query."""
    rows = report.addresses.values_list("record__triage__status", "record__triage__started_at")
    return overall_public_status(address_public_status(status, at) for status, at in rows)
