"""Delivering a batch exactly once: claim it, send it outside any transaction, record the outcome.

    pending, due ──claim──▶ sending (leased; attempts + 1) ──delivered──▶ sent
        ▲                        │ not delivered                 (takedowns updated, audited)
        └── backoff + jitter ◀───┤
                                 └── NOTICE_MAX_ATTEMPTS reached ──▶ failed (audited)
    sending, lease lapsed (its worker died) ──claim──▶ sending again

The claim is one conditional UPDATE (pending and due, or sending with a
lapsed lease): of any number of workers holding the same task, one changes
the row and the rest return. The lease outlasts CELERY_TASK_TIME_LIMIT, so a
send still running when its lease lapses has already been killed by Celery's
hard limit: two workers never send one batch at the same time. The outcome
is recorded only if the batch is still ours (state sending, attempts as we
set them), in one transaction with lifecycle.notices_sent.

Nothing is lost: the state lives in the database, not in the broker; the
beat (send_due_notices) queues every batch that is due or whose lease has
lapsed, so a lost message, a stopped broker or a killed worker only delays
a notice.

The one window that remains: the mail server accepted the message (or the
partner's webhook answered 2xx) and the worker died, or lost the database,
before the commit that marks the batch sent. The lease lapses, the batch is
claimed again and delivered a second time. Both deliveries carry the same
key, fixed when the batch was made: the email's `Message-ID:
<{key}@reportsite>` and the webhook's `Idempotency-Key: {key}`, so a receiver
that remembers the keys it has seen discards the repeat. No sender can close
this window alone (SMTP has no two-phase commit); the key lets the receiver
close it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from reportsite import queueing
from staff.audit import audit_record
from staff.models import AuditEvent
from takedown import lifecycle
from takedown.models import Notice, NoticeBatch
from takedown.notices import SEND_BATCH_TASK, mail, render, webhook

logger = logging.getLogger(__name__)
State = NoticeBatch.State

SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"
RETRY_BASE = timedelta(minutes=2)
RETRY_CAP = timedelta(hours=6)
LEASE_MARGIN = timedelta(seconds=60)


def lease_duration() -> timedelta:
    # Longer than Celery's hard time limit: whoever held the lease has been killed before it lapses.
    longest = max(settings.CELERY_TASK_TIME_LIMIT, settings.EMAIL_TIMEOUT, settings.WEBHOOK_TIMEOUT)
    return timedelta(seconds=longest) + LEASE_MARGIN


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after the `attempt`-th failure, with jitter."""
    ceiling = min(RETRY_CAP, RETRY_BASE * 2 ** min(attempt - 1, 16))
    # At least half the delay: retries of many batches spread out, none comes back at once.
    return ceiling / 2 + (ceiling / 2) * random.random()


# The outbox rules, shared by every model sent this way (notice batches here, the
# exchange's status updates): rows with state pending/sending/sent/failed,
# next_attempt_at, lease_until and attempts.


def _due(now: datetime) -> Q:
    return Q(state=State.PENDING, next_attempt_at__lte=now) | Q(state=State.SENDING, lease_until__lt=now)


def outbox_due(model: type[models.Model], *, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids to hand to a worker: pending and due, or sending with a lapsed lease, oldest first."""
    now = now or timezone.now()
    return list(model.objects.filter(_due(now)).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def outbox_claim(model: type[models.Model], *, pk: int, now: datetime | None = None) -> bool:
    """Take the row for one attempt (a lease, one more attempt); False if it is not due, done, or taken."""
    now = now or timezone.now()
    claimed = model.objects.filter(_due(now), pk=pk).update(
        state=State.SENDING, lease_until=now + lease_duration(), attempts=F("attempts") + 1
    )
    # Nothing got updated: another worker claimed it first, or there is nothing to do.
    return claimed == 1


def batches_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Batches to hand to a worker: pending and due, or sending with a lapsed lease."""
    return outbox_due(NoticeBatch, now=now, limit=limit)


def batch_claim(*, batch_id: int, now: datetime | None = None) -> NoticeBatch | None:
    """Take the batch for one attempt; None if it is not due, already sent, or another worker has it."""
    if not outbox_claim(NoticeBatch, pk=batch_id, now=now):
        return None
    return NoticeBatch.objects.select_related("recipient").get(pk=batch_id)


# Channels sent by an app that builds on this machinery (exchange: partner hotlines' API),
# registered by that app at start-up, so that takedown never imports it.
_CHANNEL_SENDERS: dict[str, Callable[[NoticeBatch], int | None]] = {}


def channel_sender_register(channel: str, send: Callable[[NoticeBatch], int | None]) -> None:
    _CHANNEL_SENDERS[channel] = send


def _send(batch: NoticeBatch, rendered: render.Rendered) -> int | None:
    """Deliver by the batch's channel; the HTTP status (webhooks and the like) or None (email). Raises if not sent."""
    if not rendered.lines:
        raise render.RenderError("the batch lists no addresses")
    if batch.channel == NoticeBatch.Channel.EMAIL:
        mail.email_send(batch, rendered)
        return None
    if batch.channel == NoticeBatch.Channel.WEBHOOK:
        return webhook.webhook_send(batch, rendered)
    send = _CHANNEL_SENDERS.get(batch.channel)
    if send is None:
        # Never fall back to email: the batch waits, and fails in the end, where a manager sees it.
        raise RuntimeError(f"nothing sends the {batch.channel!r} channel here")
    return send(batch)


def batch_deliver(*, batch_id: int) -> str:
    """One attempt at a batch: sent, retry (back to pending), failed (gave up) or skipped (not ours)."""
    batch = batch_claim(batch_id=batch_id)
    if batch is None:
        return SKIPPED
    attempt = batch.attempts
    # Outside any transaction: a slow mail server must not hold locks, and a
    # rollback cannot un-send a message anyway.
    try:
        rendered = render.batch_render(batch)
        status = _send(batch, rendered)
    except Exception as exc:
        return _attempt_failed(batch, attempt=attempt, exc=exc)
    return SENT if _mark_sent(batch, attempt=attempt, rendered=rendered, status=status) else SKIPPED


def _mark_sent(batch: NoticeBatch, *, attempt: int, rendered: render.Rendered, status: int | None) -> bool:
    at = timezone.now()
    with transaction.atomic():
        updated = NoticeBatch.objects.filter(pk=batch.pk, state=State.SENDING, attempts=attempt).update(
            state=State.SENT,
            sent_at=at,
            lease_until=None,
            subject=rendered.subject,
            body=rendered.body,
            response_status=status,
            last_error="",
        )
        if updated != 1:
            # Only if our lease lapsed mid-send: the worker that re-claimed it records the outcome.
            logger.warning("notice batch %s delivered, but it was no longer ours to mark", batch.pk)
            return False
        lifecycle.notices_sent(batch=batch, at=at)
    logger.info("notice batch %s sent to recipient %s by %s", batch.pk, batch.recipient_id, batch.channel)
    return True


def _attempt_failed(batch: NoticeBatch, *, attempt: int, exc: Exception) -> str:
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    give_up = attempt >= settings.NOTICE_MAX_ATTEMPTS
    fields: dict = {"lease_until": None, "last_error": error, "response_status": getattr(exc, "status", None)}
    if give_up:
        fields["state"] = State.FAILED
    else:
        fields.update(state=State.PENDING, next_attempt_at=timezone.now() + retry_delay(attempt))
    with transaction.atomic():
        updated = NoticeBatch.objects.filter(pk=batch.pk, state=State.SENDING, attempts=attempt).update(**fields)
        if updated != 1:
            return SKIPPED
        if give_up:
            _audit_failed(batch, attempt=attempt, error=error)
    log = logger.error if give_up else logger.warning
    log("notice batch %s, attempt %d of %d: %s", batch.pk, attempt, settings.NOTICE_MAX_ATTEMPTS, error)
    return FAILED if give_up else RETRY


def _audit_failed(batch: NoticeBatch, *, attempt: int, error: str) -> None:
    """On each record's trail, so its page says the notice never left."""
    notices = Notice.objects.filter(batch=batch).select_related("takedown__record", "recipient")
    for notice in notices.order_by("takedown_id"):
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTICE_FAILED,
            target=notice.takedown.record,
            summary=f"{notice.get_purpose_display()} to {notice.recipient.name} by "
            f"{batch.get_channel_display().lower()} not delivered after {attempt} attempts: {error[:200]}",
            details={"batch": batch.pk, "recipient": notice.recipient_id, "purpose": notice.purpose},
        )


def batch_resend(*, batch_id: int, user, request=None) -> bool:
    """A manager sends a failed batch again (e.g. after fixing the recipient's address); False if not failed.

    Its attempts start again from zero; the same key goes out, so a receiver
    that did get an earlier attempt can still recognise it.
    """
    if not user.has_perm("staff.manage_configuration"):
        raise PermissionError("Only a manager can send a failed notice again.")
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().filter(pk=batch_id, state=State.FAILED).first()
        if batch is None:
            return False
        batch.state = State.PENDING
        batch.attempts = 0
        batch.next_attempt_at = timezone.now()
        batch.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(
            actor=user,
            action=AuditEvent.Action.NOTICE_RESENT,
            target=batch,
            summary=f"Notice batch {batch.pk} to {batch.recipient.name} sent again after: {batch.last_error[:200]}",
            details={"batch": batch.pk, "recipient": batch.recipient_id},
            request=request,
        )
        # The beat's pass picks it up within a minute if the broker is down now.
        queueing.enqueue_on_commit(SEND_BATCH_TASK, batch.pk)
    return True
