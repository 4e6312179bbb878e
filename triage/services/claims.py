"""Claims: one analyst at a time on a record, for TRIAGE_CLAIM_TTL at most.

A claim is a (claimed_by, claimed_until) pair on the record's triage row,
taken with a conditional UPDATE that only matches an unclaimed, lapsed or
own claim; zero rows updated means someone else holds it. "Next" picks the
top unclaimed row with SELECT … FOR UPDATE SKIP LOCKED, so analysts pressing
Next together get different records instead of queueing on one row.
SQLite has no row locks: it runs one writing transaction at a time
(transaction_mode IMMEDIATE), which gives the same result more slowly.

Each analyst holds at most one claim: taking a record releases the one they
held before. Assessing needs a live claim (see services.assessments).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from reports.models import UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from triage.models import WAITING, TriageState
from triage.selectors import QUEUE_ORDER

NEXT_ATTEMPTS = 5


def _free(now: datetime, user=None) -> Q:
    free = Q(claimed_by__isnull=True) | Q(claimed_until__lte=now)
    return free | Q(claimed_by=user) if user is not None else free


def _release_others(*, user, keep: int | None, request=None, reason: str = "took another record") -> None:
    held = TriageState.objects.filter(claimed_by=user)
    if keep is not None:
        held = held.exclude(pk=keep)
    for record_id in list(held.values_list("pk", flat=True)):
        if TriageState.objects.filter(pk=record_id, claimed_by=user).update(claimed_by=None, claimed_until=None):
            _audit_claim(user, AuditEvent.Action.RECORD_RELEASED, record_id, f"Released: {reason}", request)


def _take(*, record_id: int, user, now: datetime) -> bool:
    """The conditional UPDATE; True if this user now holds the claim."""
    return bool(
        TriageState.objects.filter(_free(now, user), pk=record_id, status__in=WAITING).update(
            claimed_by=user,
            claimed_until=now + settings.TRIAGE_CLAIM_TTL,
            started_at=Coalesce("started_at", now),
        )
    )


def record_claim(*, record_id: int, user, request=None) -> bool:
    """Claim (or renew one's own claim on) a waiting record; False if another analyst holds it."""
    now = timezone.now()
    with transaction.atomic():
        held_before = TriageState.objects.filter(pk=record_id, claimed_by=user, claimed_until__gt=now).exists()
        if not _take(record_id=record_id, user=user, now=now):
            return False
        _release_others(user=user, keep=record_id, request=request)
        if not held_before:
            _audit_claim(user, AuditEvent.Action.RECORD_CLAIMED, record_id, "Claimed from the record page", request)
    return True


def record_claim_next(*, user, skip: int | None = None, request=None) -> int | None:
    """Claim the highest-priority unclaimed waiting record; its id, or None if there is none."""
    for _ in range(NEXT_ATTEMPTS):
        now = timezone.now()
        with transaction.atomic():
            candidates = TriageState.objects.filter(_free(now), status__in=WAITING)
            if skip is not None:
                candidates = candidates.exclude(pk=skip)
            top = (
                candidates.select_for_update(skip_locked=True, of=("self",))
                .order_by(*QUEUE_ORDER)
                .values_list("pk", flat=True)
                .first()
            )
            if top is None:
                return None
            if _take(record_id=top, user=user, now=now):
                _release_others(user=user, keep=top, request=request)
                _audit_claim(user, AuditEvent.Action.RECORD_CLAIMED, top, "Claimed with Next", request)
                return top
        # Nothing got updated: another analyst claimed it between our read and
        # our UPDATE (only possible without row locks). Pick again.
    return None


def record_release(*, record_id: int, user, request=None) -> bool:
    """Give a claim back; False if this user did not hold it."""
    with transaction.atomic():
        released = TriageState.objects.filter(pk=record_id, claimed_by=user).update(claimed_by=None, claimed_until=None)
        if released:
            _audit_claim(user, AuditEvent.Action.RECORD_RELEASED, record_id, "Released", request)
    return bool(released)


def claim_renew(*, state: TriageState, user) -> None:
    """The holder is still at work on the record: push the expiry forward (not audited)."""
    now = timezone.now()
    if state.claimed_by_user(user, now):
        until = now + settings.TRIAGE_CLAIM_TTL
        TriageState.objects.filter(pk=state.pk, claimed_by=user, claimed_until__gt=now).update(claimed_until=until)
        state.claimed_until = until


def _audit_claim(user, action: str, record_id: int, summary: str, request) -> None:
    audit_record(
        actor=user, action=action, target=(UrlRecord._meta.label_lower, record_id), summary=summary, request=request
    )
