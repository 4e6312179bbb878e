"""Keeping what reporters chose to give only as long as it is needed.

A report is closed once every address it named is finally dealt with: no
action, or a takedown that ended (removed, unavailable, moved). Its contact
email is then deleted after RETENTION_CONTACT_DAYS and its description after
RETENTION_DESCRIPTION_DAYS. An address that comes back re-opens its reports;
what was deleted stays deleted. Each step is on the audit trail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import Report, UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from takedown.models import CLOSED

# An address is finally dealt with when triage decided "no action" or its takedown ended.
_FINISHED = Q(triage__status="no_action") | Q(takedown__status__in=CLOSED)


def _audit(report_id: int, reference: str, action: str, summary: str, details: dict | None = None) -> None:
    audit_record(actor=None, action=action, target=("reports.report", report_id), summary=summary, details=details)


def reports_close_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Close open reports whose every address is finished; returns how many were closed."""
    now = now or timezone.now()
    unfinished = UrlRecord.objects.exclude(_FINISHED).values("pk")
    finished_reports = (
        Report.objects.filter(closed_at__isnull=True, addresses__isnull=False)
        .exclude(addresses__record__in=unfinished)
        .values("pk")
    )
    with transaction.atomic():
        # The join above can repeat a report; FOR UPDATE refuses DISTINCT, hence the subquery.
        due = list(
            Report.objects.select_for_update(skip_locked=True)
            .filter(pk__in=finished_reports)
            .order_by("received_at")
            .values_list("pk", "reference")[:limit]
        )
        Report.objects.filter(pk__in=[pk for pk, _ in due]).update(closed_at=now)
        for pk, reference in due:
            _audit(pk, reference, AuditEvent.Action.REPORT_CLOSED, f"{reference} closed: every address dealt with")
    return len(due)


def reports_reopen(*, record_id: int, at: datetime) -> int:
    """Re-open the closed reports that named a record which has come back."""
    reopened = list(
        Report.objects.filter(closed_at__isnull=False, addresses__record_id=record_id).values_list("pk", "reference")
    )
    Report.objects.filter(pk__in=[pk for pk, _ in reopened]).update(closed_at=None)
    for pk, reference in reopened:
        _audit(pk, reference, AuditEvent.Action.REPORT_REOPENED, f"{reference} re-opened: record {record_id} is back")
    return len(reopened)


def _purge(field: str, *, older_than: timedelta, now: datetime, limit: int) -> int:
    with transaction.atomic():
        due = list(
            Report.objects.select_for_update(skip_locked=True)
            .filter(closed_at__lte=now - older_than)
            .exclude(**{field: ""})
            .order_by("closed_at")
            .values_list("pk", "reference")[:limit]
        )
        Report.objects.filter(pk__in=[pk for pk, _ in due]).update(**{field: ""})
        label = {"contact_email": "contact email", "description": "description"}[field]
        for pk, reference in due:
            _audit(
                pk,
                reference,
                AuditEvent.Action.REPORT_PURGED,
                f"{reference}: {label} deleted, {older_than.days} days after closing",
                {"field": field},
            )
    return len(due)


def retention_apply(*, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Close what is finished, then delete what is due. Returns counts."""
    now = now or timezone.now()
    return {
        "closed": reports_close_due(now=now, limit=limit),
        "contacts_deleted": _purge(
            "contact_email", older_than=timedelta(days=settings.RETENTION_CONTACT_DAYS), now=now, limit=limit
        ),
        "descriptions_deleted": _purge(
            "description", older_than=timedelta(days=settings.RETENTION_DESCRIPTION_DAYS), now=now, limit=limit
        ),
    }
