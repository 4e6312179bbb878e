"""Assessing a record, and the second pair of eyes on criminal outcomes.

Every change to a record's triage row happens under that row's lock, and
only from the state it was read in: two people can never both decide, and a
confirmation can never land on an assessment that is no longer current.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.models import UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from triage.events import record_confirmed
from triage.models import WAITING, ActionedName, Assessment, Outcome, Sex, SiteType, TriageState, is_criminal
from triage.priority import queue_reprioritise, queue_reprioritise_names

Status = TriageState.Status


class TriageError(Exception):
    """A rule of the workflow refused the action; the message is for the analyst."""


class ClaimNeeded(TriageError):
    pass


class FourEyes(TriageError):
    pass


class NotCurrent(TriageError):
    pass


@dataclass(frozen=True)
class View:
    """What an analyst decided: an outcome and, for criminal outcomes, the details."""

    outcome: str
    duplicate_of: UrlRecord | None = None
    age_group: str = ""
    sex: str = ""
    site_type: str = ""
    commercial: bool | None = None
    notes: str = ""
    dedicated_domain: bool = False

    @classmethod
    def from_form(cls, data: dict) -> View:
        return cls(**{name: data.get(name, default) for name, default in _DEFAULTS.items()})

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in _DEFAULTS}


_DEFAULTS = {
    "outcome": "",
    "duplicate_of": None,
    "age_group": "",
    "sex": "",
    "site_type": "",
    "commercial": None,
    "notes": "",
    "dedicated_domain": False,
}


def view_summary(view: View | Assessment) -> str:
    label = Outcome(view.outcome).label
    if is_criminal(view.outcome):
        commercial = "commercial" if view.commercial else "not commercial"
        site = SiteType(view.site_type).label
        summary = f"{label}, age {view.age_group}, {Sex(view.sex).label}, {site}, {commercial}"
        return summary + (", whole domain dedicated to abuse" if view.dedicated_domain else "")
    if view.outcome == Outcome.DUPLICATE and view.duplicate_of is not None:
        return f"{label} of record {view.duplicate_of.pk}"
    return label


def status_after(outcome: str) -> str:
    # Four eyes for what can reach industry and partners; see triage.models.
    return Status.AWAITING_CONFIRMATION if is_criminal(outcome) else Status.NO_ACTION


def record_assess(*, record: UrlRecord, analyst, view: View, request=None) -> Assessment:
    """Record the analyst's view of a record they hold a live claim on."""
    _dedicated_check(record, view)
    now = timezone.now()
    with transaction.atomic():
        state = (
            TriageState.objects.select_for_update()
            .filter(pk=record.pk, status__in=WAITING, claimed_by=analyst, claimed_until__gt=now)
            .first()
        )
        if state is None:
            raise ClaimNeeded("Take the record first: you need a live claim on it to assess it.")
        assessment = Assessment.objects.create(record=record, analyst=analyst, created_at=now, **view.fields())
        state.status = status_after(view.outcome)
        state.assessment = assessment
        state.claimed_by = None
        state.claimed_until = None
        state.save(update_fields=["status", "assessment", "claimed_by", "claimed_until"])
        audit_record(
            actor=analyst,
            action=AuditEvent.Action.ASSESSED,
            target=record,
            summary=view_summary(view),
            details={"assessment": assessment.pk, "outcome": view.outcome, "status": state.status}
            | ({"dedicated_domain": record.registrable_domain} if view.dedicated_domain else {}),
            request=request,
        )
    return assessment


def _dedicated_check(record: UrlRecord, view: View) -> None:
    """A whole domain is blocked only for a criminal outcome on a record that has a domain name."""
    if not view.dedicated_domain:
        return
    if not is_criminal(view.outcome):
        raise TriageError("Only a criminal outcome can mark the whole domain as dedicated to abuse.")
    if not record.registrable_domain:
        raise TriageError("This address has no domain name (it is an IP address): only the address can be listed.")


def _lock_for_review(assessment: Assessment, reviewer) -> TriageState:
    if not reviewer.has_perm("triage.confirm_assessment"):
        raise FourEyes("Only a senior analyst can confirm or dispute an assessment.")
    if reviewer.pk == assessment.analyst_id:
        raise FourEyes("You made this assessment: another senior analyst must confirm it.")
    state = (
        TriageState.objects.select_for_update()
        .filter(pk=assessment.record_id, status=Status.AWAITING_CONFIRMATION, assessment=assessment)
        .first()
    )
    if state is None:
        raise NotCurrent("This assessment is no longer waiting for confirmation.")
    return state


def _actioned_names_add(record: UrlRecord, *, now) -> None:
    names = [(ActionedName.Kind.HOST, record.host)]
    if record.registrable_domain:
        names.append((ActionedName.Kind.DOMAIN, record.registrable_domain))
    for kind, name in names:
        # Create-or-fetch first, then a single-statement increment: two confirmations
        # at once both count (get_or_create re-reads the row when its INSERT loses the race).
        _row, created = ActionedName.objects.get_or_create(
            kind=kind, name=name, defaults={"first_confirmed_at": now, "confirmed_records": 1}
        )
        if not created:
            ActionedName.objects.filter(kind=kind, name=name).update(confirmed_records=F("confirmed_records") + 1)


def assessment_confirm(*, assessment: Assessment, confirmer, request=None) -> None:
    """The second senior analyst agrees: the record is confirmed criminal."""
    now = timezone.now()
    with transaction.atomic():
        state = _lock_for_review(assessment, confirmer)
        Assessment.objects.filter(pk=assessment.pk).update(confirmed_by=confirmer, confirmed_at=now)
        state.status = Status.CONFIRMED_CRIMINAL
        state.save(update_fields=["status"])
        _actioned_names_add(assessment.record, now=now)
        # "Host or domain actioned before": the other waiting records there move up now.
        queue_reprioritise_names(host=assessment.record.host, domain=assessment.record.registrable_domain, now=now)
        record_confirmed.send(sender=Assessment, record=assessment.record, assessment=assessment, at=now)
        audit_record(
            actor=confirmer,
            action=AuditEvent.Action.CONFIRMED,
            target=assessment.record,
            summary=f"Confirmed {view_summary(assessment)} by {assessment.analyst.get_username()}",
            details={"assessment": assessment.pk},
            request=request,
        )


def assessment_dispute(*, assessment: Assessment, reviewer, view: View, request=None) -> Assessment:
    """The second senior analyst disagrees: their view is kept beside the first and the record is re-queued."""
    if assessment.same_view_as(Assessment(**view.fields())):
        raise TriageError("Your view is the same as the first assessment: confirm it instead.")
    _dedicated_check(assessment.record, view)
    now = timezone.now()
    with transaction.atomic():
        state = _lock_for_review(assessment, reviewer)
        second = Assessment.objects.create(
            record=assessment.record, analyst=reviewer, created_at=now, disputes=assessment, **view.fields()
        )
        Assessment.objects.filter(pk=assessment.pk).update(disputed_by=reviewer, disputed_at=now)
        state.status = Status.DISPUTED
        state.assessment = second
        state.save(update_fields=["status", "assessment"])
        queue_reprioritise([state.pk], now=now)  # back in the queue, disputed: first
        audit_record(
            actor=reviewer,
            action=AuditEvent.Action.DISPUTED,
            target=assessment.record,
            summary=f"Disputed {view_summary(assessment)}: sees {view_summary(view)}",
            details={"assessment": assessment.pk, "second_view": second.pk},
            request=request,
        )
    return second
