"""Reading reports for the public status page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports import receipts
from reports.models import Report

# Compared against when no report has the reference, so that a wrong
# reference costs the same work as a wrong receipt.
_NO_SUCH_REPORT = receipts.receipt_hash("R-0000-0000", "no such report")


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    BEING_ASSESSED = "being_assessed", _("Being assessed")
    ACTION_TAKEN = "action_taken", _("Action taken")
    NO_ACTION = "no_action", _("No action needed")
    CLOSED = "closed", _("Closed")


def report_for_receipt(*, reference: str, receipt: str) -> Report | None:
    """The report with this reference, only if the receipt matches it."""
    formatted = receipts.format_reference(reference)
    report = Report.objects.filter(reference=formatted).only("pk", "reference", "receipt_hash").first()
    stored = report.receipt_hash if report else _NO_SUCH_REPORT
    matches = receipts.receipt_matches(stored, formatted, receipt)
    return report if report is not None and matches else None


def report_public_status(report: Report) -> PublicStatus:
    """The coarse status a reporter may see; nothing about what was found.

    From the triage state of its addresses, in one query: action taken if any
    is confirmed criminal; no action needed once every one is finally
    assessed otherwise; being assessed once an analyst has taken up any of
    them; received until then (an address still being enriched has no
    triage row yet and counts as not started).
    """
    # Imported here: triage builds on reports, not the other way round.
    from triage.models import FINAL, TriageState

    Status = TriageState.Status
    rows = list(report.addresses.values_list("record__triage__status", "record__triage__started_at"))
    statuses = [status for status, _ in rows]
    if Status.CONFIRMED_CRIMINAL in statuses:
        return PublicStatus.ACTION_TAKEN
    if rows and all(status in FINAL for status in statuses):
        return PublicStatus.NO_ACTION
    started = any(status not in (None, Status.AWAITING_ASSESSMENT) or at is not None for status, at in rows)
    return PublicStatus.BEING_ASSESSED if started else PublicStatus.RECEIVED
