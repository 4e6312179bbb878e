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

    Until an analyst has started on any of its addresses a report is received.
    """
    return PublicStatus.RECEIVED
