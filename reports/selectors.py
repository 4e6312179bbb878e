"""Reading reports: the one behind a receipt (its status: triage.public_status), a record's home country."""

from __future__ import annotations

from django.conf import settings

from reports import receipts
from reports.models import Report, UrlRecord

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


def record_home_country(record: UrlRecord) -> str:
    """The home country a record is routed by: that of the portal of its first report.

    Falls back to settings.HOME_COUNTRY for records first reported through no
    portal (before portals existed, or through the member API) and for portals
    that leave the home country blank.
    """
    first = (
        Report.objects.filter(addresses__record=record)
        .order_by("received_at", "pk")
        .values_list("portal__home_country", flat=True)
        .first()
    )
    return (first or settings.HOME_COUNTRY).upper()
