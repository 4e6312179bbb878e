"""One outcome for every pending record of one host, by a senior analyst.

Criminal bulk outcomes are not exempt from four eyes: each record gets its
own assessment, awaiting confirmation by a different senior analyst, exactly
as if it had been assessed alone. Non-criminal ones take the records out of
the queue at once. Records another analyst has a live claim on are left
alone (they are in someone's hands), as are records that stopped waiting
between the confirmation page and the click.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from triage.defang import defang_host
from triage.models import WAITING, Assessment, TriageState
from triage.services.assessments import TriageError, View, status_after, view_summary

# More than this on one host: the action is repeated for the rest.
BULK_LIMIT = 500


def records_bulk_assess(*, host: str, record_ids: Sequence[int], assessor, view: View, request=None) -> list[int]:
    """Assess the listed records of `host` that are still pending; returns the ids assessed."""
    if not assessor.has_perm("triage.bulk_assess"):
        raise TriageError("Only a senior analyst can assess a whole host at once.")
    if view.dedicated_domain:
        # A whole domain is blocked in members' resolvers: one record, one deliberate mark.
        raise TriageError("Mark a whole domain as dedicated on one of its records, not in bulk.")
    now = timezone.now()
    wanted = sorted(set(record_ids))[:BULK_LIMIT]
    with transaction.atomic():
        states = list(
            TriageState.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=wanted, status__in=WAITING, record__host=host)
            .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=assessor))
            .order_by("pk")
        )
        if not states:
            return []
        created = Assessment.objects.bulk_create(
            [
                Assessment(record_id=state.pk, analyst=assessor, created_at=now, bulk=True, **view.fields())
                for state in states
            ]
        )
        status = status_after(view.outcome)
        for state, assessment in zip(states, created, strict=True):
            state.status = status
            state.assessment = assessment
            state.claimed_by = None
            state.claimed_until = None
            state.started_at = state.started_at or now
        TriageState.objects.bulk_update(states, ["status", "assessment", "claimed_by", "claimed_until", "started_at"])
        ids = [state.pk for state in states]
        summary = view_summary(view)
        event = audit_record(
            actor=assessor,
            action=AuditEvent.Action.BULK_ASSESSED,
            summary=f"{summary} on {len(ids)} record(s) of {defang_host(host)}",
            details={"records": ids, "outcome": view.outcome, "status": status, "host": host},
            request=request,
        )
        # One event per record too, so each record's history shows it.
        for state, assessment in zip(states, created, strict=True):
            audit_record(
                actor=assessor,
                action=AuditEvent.Action.BULK_ASSESSED,
                target=(UrlRecord._meta.label_lower, state.pk),
                summary=f"{summary} (one of {len(ids)} on {defang_host(host)})",
                details={
                    "assessment": assessment.pk,
                    "outcome": view.outcome,
                    "status": status,
                    "bulk_event": event.pk,
                },
                request=request,
            )
    return ids
