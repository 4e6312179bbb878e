"""Our side: forwarding a batch through the partner's API, and keeping what it reports back.

A batch on the "exchange" channel is a NoticeBatch like any other
(takedown.notices.delivery claims it, leases it, retries it with backoff and
marks it sent exactly once); only the sending is done here. The partner's
answer names its own reference for each address and says "received": that
is the first status on our record page.

Statuses arrive later through our API (exchange.views.StatusView) and are
applied by `status_apply`: each once (by sequence), and only forwards, so a
stale status that arrives late is kept in the history but never overwrites
a newer one. "removed" closes our takedown (lifecycle.takedown_close_reported).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from exchange.models import RANK, ExchangePartner, Forward, ForwardEvent, Status
from exchange.payloads import batch_items, forward_body
from exchange.transport import post_signed
from reports.models import UrlRecord
from staff.audit import audit_record
from staff.models import AuditEvent
from takedown import lifecycle
from takedown.models import Notice, NoticeBatch
from takedown.notices.webhook import WebhookError

logger = logging.getLogger(__name__)

APPLIED, STALE, DUPLICATE = "applied", "stale", "duplicate"


def forward_send(batch: NoticeBatch) -> int:
    """POST the batch to the partner's API; returns the HTTP status. Raises WebhookError if not delivered."""
    partner = ExchangePartner.objects.filter(recipient_id=batch.recipient_id).first()
    if partner is None:
        raise WebhookError(f"{batch.recipient.name} is no longer set up for the exchange API")
    items = batch_items(batch)
    status, answer = post_signed(partner=partner, path="forwards", key=str(batch.key), body=forward_body(batch, items))
    acknowledged = {item.get("reference"): item for item in answer.get("items", []) if isinstance(item, dict)}
    missing = [item["reference"] for item in items if item["reference"] not in acknowledged]
    if missing:
        raise WebhookError(f"{partner.name} did not acknowledge {', '.join(missing[:5])}", status=status)
    for item in items:
        ack = acknowledged[item["reference"]]
        status_apply(
            partner=partner,
            update={
                "reference": item["reference"],
                "partner_reference": ack.get("partner_reference", ""),
                "status": ack.get("status", Status.RECEIVED),
                "sequence": ack.get("sequence", RANK[Status.RECEIVED]),
                "at": ack.get("at", ""),
            },
        )
    return status


class StatusInvalid(ValueError):
    """A status update that cannot be applied; the message is for the partner."""


@dataclass(frozen=True)
class Update:
    reference: str
    partner_reference: str
    status: str
    sequence: int
    at: datetime
    outcome: str
    outcome_label: str
    detail: str


def update_parse(update: dict) -> Update:
    if not isinstance(update, dict):
        raise StatusInvalid("Each update must be an object.")
    status = update.get("status")
    if status not in Status.values:
        raise StatusInvalid(f"status must be one of {', '.join(Status.values)}.")
    sequence = update.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence <= 1000:
        raise StatusInvalid("sequence must be a whole number from 1 to 1000.")
    reference = update.get("reference")
    if not isinstance(reference, str) or not reference or len(reference) > 40:
        raise StatusInvalid("reference must be our reference for the address (at most 40 characters).")
    at = parse_datetime(update["at"]) if isinstance(update.get("at"), str) and update["at"] else None
    if update.get("at") and at is None:
        raise StatusInvalid("at must be an ISO 8601 date and time, e.g. 2026-05-01T09:30:00Z.")
    if at is not None and timezone.is_naive(at):
        raise StatusInvalid("at must carry its time zone, e.g. 2026-05-01T09:30:00Z.")

    def text(name: str, limit: int) -> str:
        value = update.get(name) or ""
        if not isinstance(value, str):
            raise StatusInvalid(f"{name} must be text.")
        return value[:limit]

    return Update(
        reference=reference,
        partner_reference=text("partner_reference", 40),
        status=status,
        sequence=sequence,
        at=at or timezone.now(),
        outcome=text("outcome", 40),
        outcome_label=text("outcome_label", 100),
        detail=text("detail", 300),
    )


def _record_for(partner: ExchangePartner, reference: str) -> UrlRecord | None:
    """Our record behind our reference, if it really went to this partner."""
    prefix = settings.NOTICE_REFERENCE_PREFIX
    number = reference.removeprefix(prefix)
    if not reference.startswith(prefix) or not number.isdigit():
        return None
    # Batched is enough: the partner may answer before our worker has marked the batch sent.
    went = Notice.objects.filter(takedown_id=int(number), recipient_id=partner.recipient_id, batch__isnull=False)
    return UrlRecord.objects.filter(pk=int(number)).first() if went.exists() else None


def _forward_lock(partner: ExchangePartner, update: Update) -> Forward:
    forward = Forward.objects.select_for_update().filter(partner=partner, reference=update.reference).first()
    if forward is not None:
        return forward
    record = _record_for(partner, update.reference)
    if record is None or partner.recipient_id is None:
        raise StatusInvalid(f"We never forwarded {update.reference} to you.")
    try:
        with transaction.atomic():
            Forward.objects.create(partner=partner, record=record, reference=update.reference)
    except IntegrityError:
        pass  # Made by a concurrent update a moment ago.
    return Forward.objects.select_for_update().get(partner=partner, record=record)


def status_apply(*, partner: ExchangePartner, update: dict | Update) -> str:
    """Keep one status from the partner: applied, stale (a newer one is already in) or duplicate."""
    update = update if isinstance(update, Update) else update_parse(update)
    with transaction.atomic():
        forward = _forward_lock(partner, update)
        if ForwardEvent.objects.filter(forward=forward, sequence=update.sequence).exists():
            return DUPLICATE
        applied = update.sequence > forward.sequence
        ForwardEvent.objects.create(
            forward=forward,
            sequence=update.sequence,
            status=update.status,
            outcome=update.outcome,
            outcome_label=update.outcome_label,
            detail=update.detail,
            at=update.at,
            applied=applied,
        )
        if update.partner_reference and not forward.partner_reference:
            forward.partner_reference = update.partner_reference
        if applied:
            forward.sequence = update.sequence
            forward.status = update.status
        # The partner's assessment is news even when it arrives after a later status.
        if update.outcome and (applied or not forward.outcome):
            forward.outcome, forward.outcome_label = update.outcome, update.outcome_label
        forward.updated_at = timezone.now()
        forward.save()
        label = Status(update.status).label + (f" ({update.outcome_label})" if update.outcome_label else "")
        audit_record(
            actor=None,
            action=AuditEvent.Action.REPLY_RECORDED,
            target=forward.record,
            summary=f"{partner.name}: {label}" + ("" if applied else ", after a later status: kept, not applied"),
            details={"partner": partner.pk, "sequence": update.sequence, "status": update.status},
        )
        if applied and update.status == Status.REMOVED:
            lifecycle.takedown_close_reported(record_id=forward.record_id, at=update.at, who=partner.name)
    logger.info("exchange: %s %s #%d from %s", update.reference, update.status, update.sequence, partner.pk)
    return APPLIED if applied else STALE


def forwards_reconcile(*, record_id: int | None = None, limit: int = 500) -> int:
    """Close takedowns whose partner already said "removed"; returns how many were closed.

    The partner may answer before our worker has marked the forward sent (its
    takedown not yet out for action, so status_apply could not close it), or
    our takedown may be re-opened and sent again after a "removed": the
    partner's word then applies as soon as the takedown is out for action.
    """
    from takedown.models import OUT_FOR_ACTION

    forwards = Forward.objects.filter(status=Status.REMOVED, record__takedown__status__in=OUT_FOR_ACTION)
    if record_id is not None:
        forwards = forwards.filter(record_id=record_id)
    closed = 0
    for forward in forwards.select_related("partner").order_by("pk")[:limit]:
        event = forward.events.filter(status=Status.REMOVED).order_by("-sequence").first()
        at = event.at if event is not None else forward.updated_at
        closed += lifecycle.takedown_close_reported(record_id=forward.record_id, at=at, who=forward.partner.name)
    return closed
