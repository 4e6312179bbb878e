"""The partner's side: telling the forwarding hotline what became of its address, in order, exactly once.

    our triage decides ──▶ assessed (with the outcome)         sequence 2
    our first notice  ──▶ notice_sent (or forwarded on)       sequence 3
    our takedown closes ─▶ removed (removed, unavailable, moved) sequence 4
    ("received", sequence 1, is the answer to the forward itself)

`statuses_sync` derives what is owed from the record's state, not from
events, so a status can never be missed: it runs on commit of any change to
the record's triage state or takedown, and on the beat for every open
forward. Each status is owed once (unique per forward and status) and
carries its rank as its sequence, so the receiver can order them.

Delivery is the notice machinery's (takedown.notices.delivery): a claim by
one conditional UPDATE, a lease longer than Celery's hard limit, the send
outside any transaction, the outcome recorded only if the claim is still
ours, backoff with jitter after a failure, failed after NOTICE_MAX_ATTEMPTS.
The Idempotency-Key is fixed when the update is made, so a delivery repeated
after a lost answer is recognised by the receiver.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exchange.models import RANK, InboundForward, Status, StatusUpdate
from exchange.payloads import iso_utc
from exchange.transport import post_signed
from reportsite import queueing
from takedown.models import CLOSED, Takedown
from takedown.notices.delivery import FAILED, RETRY, SENT, SKIPPED, outbox_claim, outbox_due, retry_delay
from takedown.notices.render import reference as our_reference
from triage.models import TriageState

logger = logging.getLogger(__name__)
State = StatusUpdate.State
# Queued by name after commit; a broker that is down leaves it to the beat's pass (exchange_pass).
SEND_STATUS_TASK = "exchange.tasks.send_status_update"


def statuses_reached(record_id: int) -> list[dict]:
    """Every status after "received" that the record has reached here, in order."""
    reached = []
    triage = TriageState.objects.select_related("assessment").filter(pk=record_id).first()
    decided = (TriageState.Status.CONFIRMED_CRIMINAL, TriageState.Status.NO_ACTION)
    if triage is not None and triage.status in decided and triage.assessment is not None:
        a = triage.assessment
        reached.append(
            {
                "status": Status.ASSESSED,
                "outcome": a.outcome,
                "outcome_label": a.get_outcome_display(),
                "detail": triage.get_status_display(),
                "at": a.confirmed_at or a.created_at,
            }
        )
    takedown = Takedown.objects.filter(pk=record_id).first()
    if takedown is not None and takedown.first_notice_at is not None:
        reached.append({"status": Status.NOTICE_SENT, "detail": takedown.get_route_display(),
                        "at": takedown.first_notice_at})  # fmt: skip
    if takedown is not None and takedown.status in CLOSED and takedown.closed_at is not None:
        reached.append({"status": Status.REMOVED, "detail": takedown.get_status_display(), "at": takedown.closed_at})
    return reached


def statuses_sync(*, record_id: int) -> int:
    """Owe each partner that forwarded this record every status it has reached since; returns how many."""
    made = []
    with transaction.atomic():
        forwards = list(InboundForward.objects.select_for_update().filter(record_id=record_id).order_by("pk"))
        if not forwards:
            return 0
        reached = statuses_reached(record_id)
        for inbound in forwards:
            for status in reached:
                if RANK[status["status"]] <= RANK[inbound.last_status]:
                    continue
                update, created = StatusUpdate.objects.get_or_create(
                    inbound=inbound,
                    status=status["status"],
                    defaults={
                        "sequence": RANK[status["status"]],
                        "outcome": status.get("outcome", ""),
                        "outcome_label": status.get("outcome_label", ""),
                        "detail": status.get("detail", "")[:300],
                        "at": status["at"],
                    },
                )
                if created:
                    made.append(update.pk)
                inbound.last_status = status["status"]
            inbound.save(update_fields=["last_status"])
        for pk in made:
            queueing.enqueue_on_commit(SEND_STATUS_TASK, pk)
    return len(made)


def statuses_sync_on_commit(record_id: int) -> None:
    queueing.enqueue_on_commit("exchange.tasks.sync_exchange_statuses", record_id)


def open_forwards(*, limit: int = 500) -> list[int]:
    """Records forwarded to us that have reached a status not yet owed to the partner (one query).

    Only these: a forward whose record is decided "no action", or still out
    for removal, is not looked at again every minute.
    """
    decided = (TriageState.Status.CONFIRMED_CRIMINAL, TriageState.Status.NO_ACTION)
    owing = (
        Q(last_status=Status.RECEIVED, record__triage__status__in=decided)
        | Q(last_status__in=[Status.RECEIVED, Status.ASSESSED], record__takedown__first_notice_at__isnull=False)
        | (~Q(last_status=Status.REMOVED) & Q(record__takedown__status__in=CLOSED))
    )
    return list(
        InboundForward.objects.filter(owing)
        .order_by("received_at")
        .values_list("record_id", flat=True)
        .distinct()[:limit]
    )


# --- Delivery -------------------------------------------------------------------------------


def updates_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    # The notice batches' outbox rules: the same states, lease and backoff.
    return outbox_due(StatusUpdate, now=now, limit=limit)


def update_claim(*, update_id: int, now: datetime | None = None) -> StatusUpdate | None:
    if not outbox_claim(StatusUpdate, pk=update_id, now=now):
        return None
    return StatusUpdate.objects.select_related("inbound__partner").get(pk=update_id)


def update_body(update: StatusUpdate) -> bytes:
    inbound = update.inbound
    document = {
        "idempotency_key": str(update.key),
        "sent_by": settings.HOTLINE_NAME,
        "updates": [
            {
                "reference": inbound.reference,
                "partner_reference": our_reference(inbound.record_id),
                "sequence": update.sequence,
                "status": update.status,
                "outcome": update.outcome,
                "outcome_label": update.outcome_label,
                "detail": update.detail,
                "at": iso_utc(update.at),
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def update_deliver(*, update_id: int) -> str:
    """One attempt: sent, retry (back to pending with backoff), failed (gave up) or skipped (not ours)."""
    update = update_claim(update_id=update_id)
    if update is None:
        return SKIPPED
    attempt = update.attempts
    try:
        status, _answer = post_signed(
            partner=update.inbound.partner, path="status", key=str(update.key), body=update_body(update)
        )
    except Exception as exc:
        return _attempt_failed(update, attempt=attempt, exc=exc)
    done = StatusUpdate.objects.filter(pk=update.pk, state=State.SENDING, attempts=attempt).update(
        state=State.SENT, sent_at=timezone.now(), lease_until=None, response_status=status, last_error=""
    )
    return SENT if done == 1 else SKIPPED


def _attempt_failed(update: StatusUpdate, *, attempt: int, exc: Exception) -> str:
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    give_up = attempt >= settings.NOTICE_MAX_ATTEMPTS
    fields: dict = {"lease_until": None, "last_error": error, "response_status": getattr(exc, "status", None)}
    if give_up:
        fields["state"] = State.FAILED
    else:
        fields.update(state=State.PENDING, next_attempt_at=timezone.now() + retry_delay(attempt))
    if StatusUpdate.objects.filter(pk=update.pk, state=State.SENDING, attempts=attempt).update(**fields) != 1:
        return SKIPPED
    log = logger.error if give_up else logger.warning
    log("exchange status %s, attempt %d of %d: %s", update.pk, attempt, settings.NOTICE_MAX_ATTEMPTS, error)
    return FAILED if give_up else RETRY


def update_resend(*, update_id: int, user, request=None) -> bool:
    """A manager sends a failed status again (after the partner fixed its side); False if it had not failed.

    Attempts start from zero; the same key goes out.
    """
    from staff.audit import audit_record
    from staff.models import AuditEvent

    if not user.has_perm("staff.manage_configuration"):
        raise PermissionError("Only a manager can send a failed status again.")
    with transaction.atomic():
        updated = StatusUpdate.objects.filter(pk=update_id, state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if not updated:
            return False
        update = StatusUpdate.objects.select_related("inbound__partner").get(pk=update_id)
        audit_record(
            actor=user,
            action=AuditEvent.Action.NOTICE_RESENT,
            target=update,
            summary=f"Status {update.status} to {update.inbound.partner.name} sent again after: "
            f"{update.last_error[:200]}",
            details={"update": update.pk, "partner": update.inbound.partner_id},
            request=request,
        )
        queueing.enqueue_on_commit(SEND_STATUS_TASK, update_id)
    return True


def exchange_pass(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """The beat's pass (also the sweep): derive what is owed, then queue every update due or lost."""
    from exchange import tasks
    from exchange.outbound import forwards_reconcile

    closed = forwards_reconcile(limit=limit)  # our side: a "removed" that came before our forward was marked sent
    owed = sum(statuses_sync(record_id=record_id) for record_id in open_forwards(limit=limit))
    due = updates_due(now=now, limit=limit)

    queued = queueing.send_until_failure(
        due, lambda pk: queueing.enqueue(tasks.send_status_update, pk), what="exchange statuses"
    )
    return {"closed": closed, "owed": owed, "due": len(due), "queued": queued}
