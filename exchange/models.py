"""Report exchange between partner hotlines, both directions in one app.

    hotline A (ours, forwarding)                     hotline B (the partner's)
    confirmed, hosted in B's country
      └─ Notice to B's Recipient ─ NoticeBatch, channel "exchange" ─ POST /api/v1/exchange/forwards/
                                                       └─ InboundForward + a Report in B's queue
    Forward (one per record and partner)  ◀── answer: "received"
    ForwardEvent (each status, in order)  ◀── StatusUpdate outbox: POST /api/v1/exchange/status/
      "removed" closes A's takedown             assessed, notice_sent, removed

Every hotline runs the same software, so each side holds one `ExchangePartner`
row per partner: where the partner's API is, the key the partner gave us, the
secret shared for signatures, and the member (with its API key) the partner
calls us as. The outbound forward reuses the notice machinery whole (a
NoticeBatch is claimed, leased, retried with backoff and signed); the status
outbox claims and retries the same way (exchange.statuses).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from enrichment import netguard
from memberapi.models import Member
from reports.models import Report, UrlRecord
from takedown.models import Recipient, _safe_webhook


class Status(models.TextChoices):
    """What the partner hotline has done with a forwarded address, in the order it happens."""

    RECEIVED = "received", "Received by the partner"
    ASSESSED = "assessed", "Assessed by the partner"
    NOTICE_SENT = "notice_sent", "Notice sent by the partner"
    REMOVED = "removed", "Removed (partner)"


# A status's rank is its sequence number: a later status always has a higher one,
# so a receiver keeps the highest it has seen and a late, stale one never overwrites it.
RANK = {Status.RECEIVED: 1, Status.ASSESSED: 2, Status.NOTICE_SENT: 3, Status.REMOVED: 4}


class ExchangePartner(models.Model):
    """A partner hotline that exchanges reports with us through its API (and we through ours)."""

    name = models.CharField(max_length=200, unique=True)
    recipient = models.OneToOneField(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_link",
        limit_choices_to={"kind": Recipient.Kind.PARTNER_HOTLINE},
        help_text="The partner hotline records are routed to. Set: its notices go through its API instead of "
        "email or webhook. Empty: we only receive from this partner.",
    )
    member = models.OneToOneField(
        Member,
        on_delete=models.PROTECT,
        related_name="exchange_link",
        help_text="The member the partner calls our API as (give its API key the exchange scope).",
    )
    api_url = models.URLField(
        max_length=500,
        help_text="The partner's API base, e.g. https://hotline.example/api/v1/ (https; http only to this machine).",
    )
    # Kept in clear, like webhook secrets: we must send the key and compute signatures.
    api_key = models.CharField(max_length=200, help_text="The API key the partner gave us (exchange scope).")
    secret = models.CharField(max_length=200, help_text="Shared secret for HMAC-SHA256 signatures, both ways.")
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def endpoint(self, path: str) -> str:
        return self.api_url.rstrip("/") + "/exchange/" + path.strip("/") + "/"

    def clean(self) -> None:
        errors = {}
        if self.api_url and not _safe_webhook(self.api_url):
            errors["api_url"] = "The partner's API must use https (plain http only to this machine, for tests)."
        elif self.api_url and (refusal := netguard.url_refusal(self.api_url, refuse_unresolved=False)):
            # Checked again before every request (exchange.transport): DNS may change.
            errors["api_url"] = f"The partner's API may not be at an internal address: {refusal}."
        if self.recipient_id and self.recipient.kind != Recipient.Kind.PARTNER_HOTLINE:
            errors["recipient"] = "Choose a partner hotline."
        if len(self.secret) < 32:
            errors["secret"] = "Use a shared secret of at least 32 characters."  # noqa: S105
        if errors:
            raise ValidationError(errors)


# --- Our side of a forward: what we sent, and what the partner said since -----------------


class Forward(models.Model):
    """One of our records forwarded to one partner, and the latest status it reported."""

    partner = models.ForeignKey(ExchangePartner, on_delete=models.PROTECT, related_name="forwards")
    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="exchange_forwards")
    reference = models.CharField(max_length=40, help_text="Our reference, as sent.")
    partner_reference = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0, help_text="The highest status sequence applied.")
    outcome = models.CharField(max_length=40, blank=True, help_text="The partner's assessment, as it named it.")
    outcome_label = models.CharField(max_length=100, blank=True)
    forwarded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["partner", "record"], name="one_forward_per_partner_record")]
        indexes = [models.Index(fields=["partner", "reference"], name="forward_by_reference")]

    def __str__(self) -> str:
        return f"{self.reference} → {self.partner_id}: {self.status or 'sent'}"


class ForwardEvent(models.Model):
    """Each status the partner reported, once (unique by sequence), in the order it happened."""

    forward = models.ForeignKey(Forward, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    outcome = models.CharField(max_length=40, blank=True)
    outcome_label = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(help_text="When it happened at the partner.")
    received_at = models.DateTimeField(default=timezone.now)
    applied = models.BooleanField(default=True, help_text="False: it arrived after a later status.")

    class Meta:
        default_permissions = ("view",)
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["forward", "sequence"], name="one_event_per_sequence")]

    def __str__(self) -> str:
        return f"{self.forward_id} #{self.sequence} {self.status}"


# --- The partner's forward to us, and the statuses we owe it ---------------------------------


class InboundForward(models.Model):
    """A record a partner forwarded to us: it sits in our queue like any report."""

    partner = models.ForeignKey(ExchangePartner, on_delete=models.PROTECT, related_name="inbound")
    reference = models.CharField(max_length=40, help_text="The partner's reference.")
    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="exchange_inbound")
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="exchange_inbound")
    idempotency_key = models.CharField(max_length=64, help_text="The key of the delivery that brought it.")
    # What the partner told us about it (see exchange.payloads): never anything of a reporter's.
    metadata = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    last_status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["partner", "reference"], name="one_inbound_per_partner_reference")
        ]
        indexes = [
            models.Index(fields=["received_at"], name="inbound_open", condition=~Q(last_status="removed")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} from {self.partner_id}"


class StatusUpdate(models.Model):
    """One status owed to the partner that forwarded a record: sent exactly once, retried with backoff."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    inbound = models.ForeignKey(InboundForward, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=16, choices=Status.choices)
    sequence = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=40, blank=True)
    outcome_label = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        ordering = ["inbound", "sequence"]
        constraints = [models.UniqueConstraint(fields=["inbound", "status"], name="one_update_per_status")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="statusupdate_due", condition=Q(state__in=["pending", "sending"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inbound_id}: {self.status} ({self.state})"
