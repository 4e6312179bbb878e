"""From confirmation to removal: who is told about a confirmed address, and what became of it.

    confirmed criminal ──route──▶ Takedown (home / partner / law enforcement)
        │                             │
        │                Notice rows: one per address, recipient, purpose and cycle
        │                             │  batched per recipient after NOTICE_BATCH_DELAY
        │                        NoticeBatch: one message (email or webhook), sent once
        │                             │
        └── liveness re-checks ──▶ removed / unavailable (two "gone" checks in a row)
                                      │  answers again ──▶ re-opened, a new cycle

A `Recipient` is anyone a notice can go to: a hosting provider's abuse desk,
a partner hotline or a law-enforcement channel. One table with three kinds,
so a notice batch has one foreign key; the admin shows each kind on its own
page (the proxy models at the end).
"""

from __future__ import annotations

import ipaddress
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from enrichment import netguard
from reports.models import UrlRecord


def _lines(text: str) -> list[str]:
    """Items of a field that holds one per line (commas and spaces also separate)."""
    return [item for item in text.replace(",", "\n").replace(" ", "\n").splitlines() if item.strip()]


def _safe_webhook(url: str) -> bool:
    """https, or http to loopback: notices carry confirmed addresses and must not travel in clear."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    try:
        return parts.scheme == "http" and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        return False


class Recipient(models.Model):
    class Kind(models.TextChoices):
        HOSTING_PROVIDER = "hosting_provider", "Hosting provider"
        PARTNER_HOTLINE = "partner_hotline", "Partner hotline"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by staff"
        RDAP = "rdap", "Found over RDAP"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(blank=True, max_length=500, help_text="Partner hotlines: notices are POSTed here.")
    # Kept in clear: it signs every webhook notice (HMAC-SHA256).
    webhook_secret = models.CharField(max_length=200, blank=True)
    countries = models.CharField(
        max_length=400,
        blank=True,
        help_text="ISO 3166 two-letter codes, separated by spaces or commas. Partner hotlines: the countries "
        "they cover. Law enforcement: the countries this channel is for; leave empty for the default channel.",
    )
    # Hosting providers: which records are theirs.
    network_names = models.TextField(
        blank=True, help_text="Network or AS names, one per line, matched without regard to case."
    )
    asns = models.TextField(blank=True, help_text="AS numbers, one per line.")
    cidrs = models.TextField(blank=True, help_text="Address blocks such as 192.0.2.0/24, one per line.")

    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    # A contact found automatically is held until a manager approves it.
    approved = models.BooleanField(default=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rdap_handle = models.CharField(max_length=200, blank=True)
    rdap_server = models.CharField(max_length=500, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        permissions = [("approve_contact", "Can approve an abuse contact found automatically")]
        constraints = [
            models.CheckConstraint(condition=~Q(email="", webhook_url=""), name="recipient_has_email_or_webhook"),
            models.CheckConstraint(
                condition=Q(webhook_url="") | ~Q(webhook_secret=""), name="recipient_webhook_has_secret"
            ),
        ]
        indexes = [models.Index(fields=["kind", "active", "approved"], name="recipient_usable")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def usable(self) -> bool:
        return self.active and self.approved

    @property
    def channel(self) -> str:
        """How notices reach this recipient: the partner's exchange API when it is set up for one
        (exchange.ExchangePartner), else its webhook when it has one, else email."""
        link = getattr(self, "exchange_link", None)
        if link is not None and link.active:
            return "exchange"
        return "webhook" if self.webhook_url else "email"

    def country_list(self) -> list[str]:
        return [code.upper() for code in _lines(self.countries)]

    def network_name_list(self) -> list[str]:
        return [line.strip().casefold() for line in self.network_names.splitlines() if line.strip()]

    def asn_list(self) -> list[int]:
        return [int(item.upper().removeprefix("AS")) for item in _lines(self.asns)]

    def cidr_list(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(item, strict=False) for item in _lines(self.cidrs)]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        bad = [code for code in _lines(self.countries) if len(code) != 2 or not code.isalpha()]
        if bad:
            errors["countries"] = f"Not two-letter country codes: {', '.join(bad)}"
        bad = [item for item in _lines(self.asns) if not item.upper().removeprefix("AS").isdigit()]
        if bad:
            errors["asns"] = f"Not AS numbers: {', '.join(bad)}"
        bad = []
        for item in _lines(self.cidrs):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                bad.append(item)
        if bad:
            errors["cidrs"] = f"Not address blocks: {', '.join(bad)}"
        if not self.email and not self.webhook_url:
            errors["email"] = "Give an email address or a webhook URL: notices must reach them somehow."
        if self.webhook_url and not _safe_webhook(self.webhook_url):
            errors["webhook_url"] = "A webhook must use https (plain http only to this machine, for tests)."
        elif self.webhook_url and (refusal := netguard.url_refusal(self.webhook_url, refuse_unresolved=False)):
            # Checked again before every notice (takedown.notices.webhook): DNS may change.
            errors["webhook_url"] = f"A webhook may not point at an internal address: {refusal}."
        if self.webhook_url and not self.webhook_secret:
            errors["webhook_secret"] = "A webhook needs a shared secret to sign its notices."  # noqa: S105
        if errors:
            raise ValidationError(errors)


class Takedown(models.Model):
    """One confirmed criminal record on its way to removal; created when it is confirmed."""

    class Route(models.TextChoices):
        HOME = "home", "Home country: notice to the hosting provider"
        PARTNER = "partner", "Forwarded to a partner hotline"
        LAW_ENFORCEMENT = "law_enforcement", "Forwarded to law enforcement"

    class Status(models.TextChoices):
        # Before anything has left the hotline.
        AWAITING_CONTACT = "awaiting_contact", "Waiting for a contact"
        AWAITING_NOTICE = "awaiting_notice", "Notice queued"
        # The actions hotlines exchange in INHOPE's ICCAM.
        NOTICE_SENT = "notice_sent", "Notice sent to the hosting provider"
        FORWARDED_PARTNER = "forwarded_partner", "Forwarded to partner hotline"
        FORWARDED_LAW_ENFORCEMENT = "forwarded_law_enforcement", "Forwarded to law enforcement"
        CONTENT_REMOVED = "content_removed", "Content removed"
        CONTENT_UNAVAILABLE = "content_unavailable", "Content unavailable"
        MOVED = "moved", "Moved"

    record = models.OneToOneField(UrlRecord, on_delete=models.PROTECT, primary_key=True, related_name="takedown")
    route = models.CharField(max_length=16, choices=Route.choices)
    reason = models.TextField(help_text="Why this route: shown to staff on the record page.")
    country_code = models.CharField(max_length=2, blank=True, help_text="The hosting country when routed.")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="takedowns")
    status = models.CharField(max_length=32, choices=Status.choices)
    routed_at = models.DateTimeField(default=timezone.now)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    # The notice cycle: 0 at first; a re-opening starts the next one.
    cycle = models.PositiveSmallIntegerField(default=0)
    first_notice_at = models.DateTimeField(null=True, blank=True, help_text="First notice of this cycle sent.")
    last_notice_at = models.DateTimeField(null=True, blank=True)
    repeated_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Consecutive liveness checks that found the content gone.
    gone_checks = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Removed, unavailable or moved.")
    removal_after_report = models.DurationField(null=True, blank=True)
    removal_after_notice = models.DurationField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [
            ("view_takedowns", "Can see where confirmed records stand and record replies"),
            ("override_route", "Can override the routing of a confirmed record"),
        ]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["status", "first_notice_at"], name="takedown_by_status"),
            models.Index(fields=["-closed_at"], name="takedown_closed"),
            # The dashboard's refresh reads takedowns by day.
            models.Index(fields=["routed_at"], name="takedown_routed"),
            # The open tabs, oldest first: only the takedowns not yet closed (about 11,000
            # of 300,000 at a million records), so a page never walks past closed ones.
            models.Index(
                fields=["routed_at", "record"],
                name="takedown_open_routed",
                condition=~Q(status__in=["content_removed", "content_unavailable", "moved"]),
            ),
        ]

    def __str__(self) -> str:
        return f"takedown of record {self.record_id}: {self.status}"

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None


CLOSED = (Takedown.Status.CONTENT_REMOVED, Takedown.Status.CONTENT_UNAVAILABLE, Takedown.Status.MOVED)
# Waiting on the provider, partner or police: re-checked, repeated, escalated.
OUT_FOR_ACTION = (
    Takedown.Status.NOTICE_SENT,
    Takedown.Status.FORWARDED_PARTNER,
    Takedown.Status.FORWARDED_LAW_ENFORCEMENT,
)


class NoticeBatch(models.Model):
    """One message to one recipient, listing every address due to it; sent exactly once.

    `key` is the idempotency key: the webhook's Idempotency-Key header and the
    email's Message-ID, so a receiver can recognise a repeat delivery.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"
        EXCHANGE = "exchange", "Partner exchange API"

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="batches")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A send in progress holds the batch until then; a worker that dies lets it lapse.
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What was sent, for the record page and for disputes: subject and body
    # as rendered (addresses in clear, as the recipient needs them).
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        verbose_name_plural = "notice batches"
        indexes = [
            models.Index(fields=["next_attempt_at"], name="batch_due", condition=Q(state__in=["pending", "sending"])),
        ]

    def __str__(self) -> str:
        return f"notice batch {self.pk} to {self.recipient_id}: {self.state}"


class Notice(models.Model):
    """One address due to one recipient for one purpose in one cycle: a line of a batch."""

    class Purpose(models.TextChoices):
        INITIAL = "initial", "Notice"
        REPEAT = "repeat", "Repeat notice"
        ESCALATION = "escalation", "Escalation"
        INFORM = "inform", "For information"

    takedown = models.ForeignKey(Takedown, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="notices")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    cycle = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(NoticeBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")

    class Meta:
        default_permissions = ("view",)
        ordering = ["created_at", "pk"]
        constraints = [
            # Exactly once: the same address never goes twice to one recipient for one purpose in one cycle.
            models.UniqueConstraint(
                fields=["takedown", "recipient", "purpose", "cycle"], name="one_notice_per_purpose_and_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notice_unbatched", condition=Q(batch=None)),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} notice of record {self.takedown_id} to {self.recipient_id}"


class NoticeTemplate(models.Model):
    """The text of a notice, editable by managers: Django template syntax, plain text."""

    kind = models.CharField(max_length=24, choices=Recipient.Kind.choices)
    purpose = models.CharField(max_length=16, choices=Notice.Purpose.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "purpose"]
        constraints = [models.UniqueConstraint(fields=["kind", "purpose"], name="one_template_per_kind_and_purpose")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_purpose_display()}"


class Reply(models.Model):
    """What a provider, partner or police channel answered, as recorded by staff."""

    class Says(models.TextChoices):
        REMOVED = "removed", "Removed it"
        WILL_ACT = "will_act", "Will act on it"
        NOT_FOUND = "not_found", "Could not find it"
        MOVED = "moved", "It has moved"
        REFUSED = "refused", "Refused to act"
        OTHER = "other", "Something else"

    takedown = models.ForeignKey(Takedown, on_delete=models.PROTECT, related_name="replies")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    says = models.CharField(max_length=16, choices=Says.choices)
    text = models.TextField(blank=True, help_text="A summary of the reply; never imagery.")
    moved_to = models.TextField(blank=True, help_text="Where it moved, as given; shown defanged.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        ordering = ["received_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"reply on record {self.takedown_id}: {self.says}"


class ContactLookup(models.Model):
    """One RDAP look-up of who handles abuse for an address, so each address is asked about once.

    Also the negative cache: a failed or empty look-up is not repeated
    before RDAP_RETRY_AFTER.
    """

    class Outcome(models.TextChoices):
        FOUND = "found", "Abuse contact found"
        NONE = "none", "No abuse contact in the answer"
        FAILED = "failed", "Look-up failed"

    ip = models.GenericIPAddressField(unique=True, unpack_ipv4=True)
    looked_up_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    recipient = models.ForeignKey(Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    server = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"RDAP {self.ip}: {self.outcome}"


class _KindManager(models.Manager):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class HostingProvider(Recipient):
    objects = _KindManager(Recipient.Kind.HOSTING_PROVIDER)

    class Meta:
        proxy = True
        verbose_name = "hosting provider abuse contact"

    def save(self, *args, **kwargs) -> None:
        self.kind = Recipient.Kind.HOSTING_PROVIDER
        super().save(*args, **kwargs)


class PartnerHotline(Recipient):
    objects = _KindManager(Recipient.Kind.PARTNER_HOTLINE)

    class Meta:
        proxy = True

    def save(self, *args, **kwargs) -> None:
        self.kind = Recipient.Kind.PARTNER_HOTLINE
        super().save(*args, **kwargs)


class LawEnforcementContact(Recipient):
    objects = _KindManager(Recipient.Kind.LAW_ENFORCEMENT)

    class Meta:
        proxy = True
        verbose_name = "law-enforcement channel"

    def save(self, *args, **kwargs) -> None:
        self.kind = Recipient.Kind.LAW_ENFORCEMENT
        super().save(*args, **kwargs)
