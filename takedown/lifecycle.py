"""A takedown's life: opened at confirmation, notified, re-checked, removed or re-opened.

Every change happens under the record's row lock and then the takedown's, in
that order everywhere (the liveness check already holds the record's lock
when it tells us what it found), so two workers never interleave on one
takedown and never deadlock. Nothing here talks to the network: notices are
sent by takedown.notices, checks made by enrichment.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enrichment import tracking
from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from takedown import routing
from takedown.models import CLOSED, OUT_FOR_ACTION, Notice, NoticeBatch, Recipient, Takedown
from takedown.signals import listing_changed

logger = logging.getLogger(__name__)
Status = Takedown.Status
Purpose = Notice.Purpose

# Consecutive checks that must find the content gone before it counts as removed.
GONE_CHECKS_TO_CLOSE = 2


class TakedownError(Exception):
    """A rule refused the action; the message is for the staff member."""


def _lock(record_id: int) -> tuple[UrlRecord, Takedown] | None:
    record = UrlRecord.objects.select_for_update().filter(pk=record_id).first()
    takedown = Takedown.objects.select_for_update().filter(pk=record_id).first() if record else None
    return (record, takedown) if takedown is not None else None


def _notice_add(takedown: Takedown, recipient: Recipient | None, purpose: str, *, at: datetime) -> bool:
    """Put one address on a recipient's next batch; False if it is already there (exactly once)."""
    if recipient is None:
        return False
    _notice, created = Notice.objects.get_or_create(
        takedown=takedown, recipient=recipient, purpose=purpose, cycle=takedown.cycle, defaults={"created_at": at}
    )
    return created


def _set_decision(takedown: Takedown, decision: routing.Decision) -> None:
    takedown.route = decision.route
    takedown.reason = decision.reason
    takedown.recipient = decision.recipient
    takedown.status = Status.AWAITING_NOTICE if decision.recipient else Status.AWAITING_CONTACT


def _decision_notices(takedown: Takedown, decision: routing.Decision, *, at: datetime) -> None:
    """The saved takedown's notices: to its recipient, and for information to the police channel."""
    _notice_add(takedown, decision.recipient, Purpose.INITIAL, at=at)
    _notice_add(takedown, decision.informed, Purpose.INFORM, at=at)


def takedown_open(*, record: UrlRecord, at: datetime | None = None) -> Takedown:
    """Route a record that has just been confirmed criminal; call inside the confirming transaction."""
    at = at or timezone.now()
    existing = Takedown.objects.filter(pk=record.pk).first()
    if existing is not None:
        return existing
    decision = routing.route_decide(record)
    takedown = Takedown(record=record, country_code=record.country_code or "", routed_at=at)
    _set_decision(takedown, decision)
    takedown.save(force_insert=True)
    _decision_notices(takedown, decision, at=at)
    audit_record(
        actor=None,
        action=AuditEvent.Action.ROUTED,
        target=record,
        summary=takedown.get_route_display(),
        details={"route": decision.route, "recipient": decision.recipient.pk if decision.recipient else None},
    )
    listing_changed.send(sender=Takedown, record_id=record.pk, listed=True, at=at)
    from takedown.contact_discovery import lookup_queue_on_commit

    # Held for want of an abuse contact: look one up over RDAP once this commits.
    lookup_queue_on_commit(takedown)
    return takedown


def takedowns_sync() -> int:
    """Open a takedown for every confirmed criminal record that lacks one; returns how many.

    Confirmation opens it in the same transaction, so this finds something
    only after a partial restore, or for records confirmed before this app
    was installed.
    """
    from triage.models import TriageState

    missing = UrlRecord.objects.filter(
        triage__status=TriageState.Status.CONFIRMED_CRIMINAL, takedown__isnull=True
    ).order_by("pk")
    opened = 0
    for record in missing.iterator(chunk_size=500):
        with transaction.atomic():
            if not Takedown.objects.filter(pk=record.pk).exists():
                takedown_open(record=record)
                opened += 1
    return opened


def takedowns_route_held(*, limit: int = 500) -> int:
    """Route again every takedown still waiting for a contact; returns how many found one.

    Run after a manager approves a contact or adds a partner or police
    channel, and on the beat, so nothing waits longer than it must.
    """
    ids = list(
        Takedown.objects.filter(status=Status.AWAITING_CONTACT)
        .order_by("routed_at")
        .values_list("pk", flat=True)[:limit]
    )
    routed = 0
    for record_id in ids:
        with transaction.atomic():
            locked = _lock(record_id)
            if locked is None or locked[1].status != Status.AWAITING_CONTACT:
                continue
            record, takedown = locked
            decision = routing.route_decide(record)
            if decision.recipient is None:
                continue
            _set_decision(takedown, decision)
            takedown.save(update_fields=["route", "reason", "recipient", "status"])
            _decision_notices(takedown, decision, at=timezone.now())
            audit_record(
                actor=None,
                action=AuditEvent.Action.ROUTED,
                target=record,
                summary=f"{takedown.get_route_display()}: {decision.recipient.name}",
                details={"route": decision.route, "recipient": decision.recipient.pk},
            )
            routed += 1
    return routed


def route_override(
    *, takedown: Takedown, route: str, recipient: Recipient, reason: str, user, request=None
) -> Takedown:
    """A senior analyst sends the record elsewhere; the notice goes to the new recipient."""
    if not user.has_perm("takedown.override_route"):
        raise TakedownError("Only a senior analyst can override a route.")
    if not reason.strip():
        raise TakedownError("Say why the route is overridden: it goes on the audit trail.")
    if not routing.recipient_fits_route(recipient, route):
        raise TakedownError(
            f"{recipient.name} is a {recipient.get_kind_display().lower()}, which does not fit that route."
        )
    if not recipient.usable:
        raise TakedownError(f"{recipient.name} is inactive or not yet approved.")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(takedown.pk)
        if locked is None:
            raise TakedownError("This record has no takedown.")
        record, current = locked
        if current.closed:
            raise TakedownError("The content is already gone; nothing is left to route.")
        before = f"{current.get_route_display()} ({current.recipient.name if current.recipient else 'no recipient'})"
        # Notices to the old recipient that have not left yet are withdrawn.
        Notice.objects.filter(
            takedown=current, cycle=current.cycle, purpose=Purpose.INITIAL, batch__isnull=True
        ).exclude(recipient=recipient).delete()
        current.route = route
        current.recipient = recipient
        current.reason = f"Overridden by {user.get_username()}: {reason.strip()}"
        current.overridden_by = user
        current.overridden_at = now
        if current.status in (Status.AWAITING_CONTACT, Status.AWAITING_NOTICE):
            current.status = Status.AWAITING_NOTICE
        current.save(update_fields=["route", "recipient", "reason", "overridden_by", "overridden_at", "status"])
        _notice_add(current, recipient, Purpose.INITIAL, at=now)
        audit_record(
            actor=user,
            action=AuditEvent.Action.ROUTE_OVERRIDDEN,
            target=record,
            summary=f"{before} → {current.get_route_display()} ({recipient.name})",
            details={"route": route, "recipient": recipient.pk, "reason": reason.strip()[:500]},
            request=request,
        )
    return current


def notices_sent(*, batch: NoticeBatch, at: datetime) -> None:
    """A batch has been delivered: update each takedown it served. Call in the transaction marking it sent.

    The first notice of a cycle to the takedown's own recipient is the ICCAM
    action (notice sent, forwarded); from then on the record is re-checked
    every TAKEDOWN_CHECK_INTERVAL and the repeat and escalation clocks run.
    """
    notices = list(Notice.objects.filter(batch=batch).select_related("recipient").order_by("takedown_id"))
    for notice in notices:
        locked = _lock(notice.takedown_id)
        if locked is None:
            continue
        record, takedown = locked
        if notice.purpose != Purpose.INFORM:
            takedown.last_notice_at = at
        primary = (
            notice.purpose == Purpose.INITIAL
            and notice.cycle == takedown.cycle
            and notice.recipient_id == takedown.recipient_id
        )
        if primary and takedown.first_notice_at is None and not takedown.closed:
            takedown.first_notice_at = at
            takedown.status = routing.SENT_STATUS[takedown.route]
            _track_at_takedown_pace(record, since=at)
        takedown.save(update_fields=["last_notice_at", "first_notice_at", "status"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTICE_SENT,
            target=record,
            summary=f"{notice.get_purpose_display()} to {notice.recipient.name} "
            f"by {batch.get_channel_display().lower()}",
            details={"batch": batch.pk, "recipient": notice.recipient_id, "purpose": notice.purpose},
        )


# --- What a liveness check says about the content ------------------------------

GONE_REMOVED = "removed"  # the host answers, the content is not there
GONE_UNAVAILABLE = "unavailable"  # the host itself is gone
PRESENT = "present"
UNKNOWN = "unknown"  # blocked, timed out, server error, forbidden: says nothing either way


def _place(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), (parts.path or "/").rstrip("/") or "/"


def check_verdict(record: UrlRecord, check: LivenessCheck) -> str:
    """Gone (and how), present, or unknown, from one stored liveness check."""
    if check.outcome == LivenessCheck.Outcome.BLOCKED:
        return UNKNOWN
    if check.outcome == LivenessCheck.Outcome.ERROR:
        return GONE_UNAVAILABLE if check.error_kind in ("no_dns", "refused") else UNKNOWN
    status = check.status_code or 0
    if status in (404, 410, 451):
        return GONE_REMOVED
    # A redirect to somewhere else (a home page, another site): the content has gone from here.
    if check.redirects and check.final_url and _place(check.final_url) != _place(record.url):
        return GONE_REMOVED
    if 200 <= status < 400:
        return PRESENT
    return UNKNOWN


def takedown_checked(*, record: UrlRecord, check: LivenessCheck) -> None:
    """React to a new liveness check of a record; the caller holds the record's row lock."""
    takedown = Takedown.objects.select_for_update().filter(pk=record.pk).first()
    if takedown is None:
        return
    verdict = check_verdict(record, check)
    if takedown.status in OUT_FOR_ACTION:
        if verdict in (GONE_REMOVED, GONE_UNAVAILABLE):
            takedown.gone_checks += 1
            if takedown.gone_checks >= GONE_CHECKS_TO_CLOSE:
                _close(record, takedown, verdict=verdict, at=check.checked_at)
                return
            takedown.save(update_fields=["gone_checks"])
        elif verdict == PRESENT and takedown.gone_checks:
            takedown.gone_checks = 0
            takedown.save(update_fields=["gone_checks"])
    elif takedown.status in (Status.CONTENT_REMOVED, Status.CONTENT_UNAVAILABLE) and verdict == PRESENT:
        _reopen(record, takedown, at=check.checked_at, why=f"answered again (HTTP {check.status_code})")


def _close(record: UrlRecord, takedown: Takedown, *, verdict: str, at: datetime, actor=None, request=None) -> None:
    takedown.status = {
        GONE_REMOVED: Status.CONTENT_REMOVED,
        GONE_UNAVAILABLE: Status.CONTENT_UNAVAILABLE,
        "moved": Status.MOVED,
    }[verdict]
    takedown.closed_at = at
    takedown.removal_after_report = at - record.first_reported_at
    takedown.removal_after_notice = (at - takedown.first_notice_at) if takedown.first_notice_at else None
    takedown.save(update_fields=["status", "gone_checks", "closed_at", "removal_after_report", "removal_after_notice"])
    # Notices not yet batched would ask someone to remove what is gone; the police keep their copy.
    Notice.objects.filter(takedown=takedown, batch__isnull=True).exclude(purpose=Purpose.INFORM).delete()
    # Still looked at now and then for REMOVED_WATCH, so a comeback is noticed.
    if settings.REMOVED_WATCH.total_seconds() > 0:
        tracking.record_track(
            record=record,
            interval=settings.REMOVED_CHECK_INTERVAL,
            first_check_at=at + settings.REMOVED_CHECK_INTERVAL,
        )
    else:
        tracking.record_untrack(record=record)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REMOVED,
        target=record,
        summary=f"{takedown.get_status_display()} after {takedown.removal_after_report}",
        details={
            "status": takedown.status,
            "after_report_s": int(takedown.removal_after_report.total_seconds()),
            "after_notice_s": int(takedown.removal_after_notice.total_seconds())
            if takedown.removal_after_notice
            else None,
        },
        request=request,
    )
    listing_changed.send(sender=Takedown, record_id=record.pk, listed=False, at=at)


def _track_at_takedown_pace(record: UrlRecord, *, since: datetime) -> None:
    tracking.record_track(
        record=record,
        interval=settings.TAKEDOWN_CHECK_INTERVAL,
        first_check_at=since + settings.TAKEDOWN_CHECK_INTERVAL,
    )


def takedown_close_reported(*, record_id: int, at: datetime, who: str) -> bool:
    """A partner hotline reports the content removed: close the takedown as removed; False if it was not open.

    Trusted as our own two "gone" checks would be (the partner verified it),
    timed at the partner's moment of removal, never before our first notice nor
    after now. Our own re-checks then watch for a comeback as after any
    removal (REMOVED_WATCH), and a comeback re-opens it.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(record_id)
        if locked is None:
            return False
        record, takedown = locked
        if takedown.status not in OUT_FOR_ACTION:
            return False
        at = min(max(at, takedown.first_notice_at or at), now)
        _close(record, takedown, verdict=GONE_REMOVED, at=at)
        audit_record(
            actor=None,
            action=AuditEvent.Action.REPLY_RECORDED,
            target=record,
            summary=f"Removed, as {who} reports",
            details={"by": who[:100], "at": at.isoformat()},
        )
    return True


def _reopen(record: UrlRecord, takedown: Takedown, *, at: datetime, why: str) -> None:
    from takedown import retention  # Retention builds on this module.

    takedown.cycle += 1
    takedown.status = Status.AWAITING_NOTICE if takedown.recipient_id else Status.AWAITING_CONTACT
    takedown.reopened_at = at
    takedown.closed_at = None
    takedown.gone_checks = 0
    takedown.first_notice_at = None
    takedown.repeated_at = None
    takedown.escalated_at = None
    takedown.save()
    if takedown.recipient_id:
        _notice_add(takedown, takedown.recipient, Purpose.INITIAL, at=at)
    # Checked at the takedown pace again; the new notice's delivery keeps it so.
    _track_at_takedown_pace(record, since=at)
    audit_record(
        actor=None,
        action=AuditEvent.Action.RECORD_REOPENED,
        target=record,
        summary=f"Re-opened: {why}",
        details={"cycle": takedown.cycle},
    )
    retention.reports_reopen(record_id=record.pk, at=at)
    listing_changed.send(sender=Takedown, record_id=record.pk, listed=True, at=at)


# --- The clock: repeat, escalate, stop watching ----------------------------------


def _escalation_recipient(takedown: Takedown) -> Recipient | None:
    """Home and partner routes escalate to the police channel; the police channel has nobody above it."""
    if takedown.route == Takedown.Route.LAW_ENFORCEMENT:
        return None
    from takedown.contacts import law_enforcement_for

    return law_enforcement_for(takedown.country_code)


def takedowns_advance(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Repeat the notice of what is still there after TAKEDOWN_REPEAT_AFTER, escalate after
    TAKEDOWN_ESCALATE_AFTER, stop watching what stayed gone for REMOVED_WATCH. Returns counts."""
    now = now or timezone.now()
    counts = {"repeated": 0, "escalated": 0, "unwatched": 0}
    out = Takedown.objects.filter(status__in=OUT_FOR_ACTION, first_notice_at__isnull=False)
    repeat_ids = list(
        out.filter(repeated_at__isnull=True, first_notice_at__lte=now - settings.TAKEDOWN_REPEAT_AFTER)
        .order_by("first_notice_at")
        .values_list("pk", flat=True)[:limit]
    )
    escalate_ids = list(
        out.filter(escalated_at__isnull=True, first_notice_at__lte=now - settings.TAKEDOWN_ESCALATE_AFTER)
        .order_by("first_notice_at")
        .values_list("pk", flat=True)[:limit]
    )
    for record_id in repeat_ids:
        with transaction.atomic():
            locked = _lock(record_id)
            if locked is None:
                continue
            record, takedown = locked
            if takedown.status not in OUT_FOR_ACTION or takedown.repeated_at is not None:
                continue
            takedown.repeated_at = now
            takedown.save(update_fields=["repeated_at"])
            _notice_add(takedown, takedown.recipient, Purpose.REPEAT, at=now)
            audit_record(
                actor=None,
                action=AuditEvent.Action.REPEAT_NOTICE,
                target=record,
                summary=f"Still there {settings.TAKEDOWN_REPEAT_AFTER} after the notice: repeated to "
                f"{takedown.recipient.name if takedown.recipient else 'nobody'}",
            )
            counts["repeated"] += 1
    for record_id in escalate_ids:
        with transaction.atomic():
            locked = _lock(record_id)
            if locked is None:
                continue
            record, takedown = locked
            if takedown.status not in OUT_FOR_ACTION or takedown.escalated_at is not None:
                continue
            to = _escalation_recipient(takedown)
            takedown.escalated_at = now
            takedown.save(update_fields=["escalated_at"])
            _notice_add(takedown, to, Purpose.ESCALATION, at=now)
            audit_record(
                actor=None,
                action=AuditEvent.Action.ESCALATED,
                target=record,
                summary=f"Still there {settings.TAKEDOWN_ESCALATE_AFTER} after the notice: "
                + (f"escalated to {to.name}, flagged to managers" if to else "flagged to managers"),
                details={"recipient": to.pk if to else None},
            )
            counts["escalated"] += 1
    stale = UrlRecord.objects.filter(takedown__status__in=CLOSED, takedown__closed_at__lte=now - settings.REMOVED_WATCH)
    counts["unwatched"] = tracking.records_untrack(stale)
    return counts


# --- Staff actions on a takedown --------------------------------------------------


def reply_record(
    *,
    takedown: Takedown,
    says: str,
    text: str,
    user,
    recipient: Recipient | None = None,
    received_at: datetime | None = None,
    moved_to: str = "",
    request=None,
):
    """Keep what a provider, partner or police channel answered; "moved" also closes the takedown."""
    from takedown.models import Reply

    if not user.has_perm("takedown.view_takedowns"):
        raise TakedownError("You cannot record replies.")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(takedown.pk)
        if locked is None:
            raise TakedownError("This record has no takedown.")
        record, current = locked
        reply = Reply.objects.create(
            takedown=current,
            recipient=recipient,
            received_at=received_at or now,
            says=says,
            text=text,
            moved_to=moved_to,
            recorded_by=user,
            recorded_at=now,
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.REPLY_RECORDED,
            target=record,
            summary=f"{reply.get_says_display()}" + (f" ({recipient.name})" if recipient else ""),
            details={"reply": reply.pk, "says": says},
            request=request,
        )
        if says == Reply.Says.MOVED and not current.closed:
            _close(record, current, verdict="moved", at=now, actor=user, request=request)
    return reply
