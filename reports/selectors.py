"""Finding a report for the public status page (its status: triage.public_status)."""

from __future__ import annotations

from reports import receipts
from reports.models import Report

# Compared against when no report has the reference, so that a wrong
# reference costs the same work as a wrong receipt.
_NO_SUCH_REPORT = receipts.receipt_hash("R-0000-0000", "no such report")


def report_for_receipt(*, reference: str, receipt: str) -> Report | None:
    """The report with this reference, only if the receipt matches it."""
    formatted = receipts.format_reference(reference)
    report = Report.objects.filter(reference=formatted).only("pk", "reference", "receipt_hash").first()
    stored = report.receipt_hash if report else _NO_SUCH_REPORT
    matches = receipts.receipt_matches(stored, formatted, receipt)
    return report if report is not None and matches else None
