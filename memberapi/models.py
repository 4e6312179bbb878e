"""Members, their API keys, partners' reports, and the URL list with its change log.

The URL list
------------
Takedown sends `listing_changed(record_id, listed, at)` inside every
transaction that puts a record on the list or takes it off. Our receiver
writes one `ListChange` row in that same transaction: the change exists
exactly when the takedown change does. That row has no place in the feed yet.

`sequencing.changes_sequence`, run by the beat every few seconds (never by a
member's request), gives each committed change its *position* (1, 2, 3, …)
under a lock on the one `ListPosition` row, and applies it to `Listing`, in
one transaction. Positions are therefore handed out in the
order changes became visible, and a pass commits before the next one can
start, so a reader that has seen position P has seen every position below P,
for good. A member's cursor is a position. Why not the change's own id: an id
is drawn when the listing transaction inserts the row, not when it commits,
so a transaction that drew id 10 and commits after id 11 was read would be
skipped by "id > cursor". Numbering after the commit costs the listing
transactions nothing (no lock, no waiting on the sequencer) and a long or
stuck transaction elsewhere cannot hold the feed back.

`Listing` keeps one row per stay on the list: listed at position L, removed
at position R (empty while listed). The list as of position P is every row
with L <= P < R, so a full download and the cursor that comes with it
always agree, however many passes commit while the download streams.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from reports.models import Report, UrlRecord


class Member(models.Model):
    """A member company or partner organisation that uses the API."""

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField(help_text="Who to tell about API changes and key expiry.")
    active = models.BooleanField(default=True, help_text="An inactive member's keys are refused.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        default_permissions = ("add", "change", "view")

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    URLLIST_READ = "urllist:read", "Read the URL list"
    REPORTS_WRITE = "reports:write", "Send reports"
    REPORTS_READ = "reports:read", "Read the status of its own reports"
    # The blocklist feeds (feeds app), one scope each: a resolver's key need not read STIX.
    FEED_RPZ = "feeds:rpz", "Read the DNS RPZ zone of dedicated domains"
    FEED_TAXII = "feeds:taxii", "Read the TAXII 2.1 collection"
    FEED_MISP = "feeds:misp", "Read the MISP feed"
    EXCHANGE = "exchange", "Exchange reports as a partner hotline (exchange app)"


class ApiKey(models.Model):
    """One secret a member's machine sends as `Authorization: Bearer rsk_<prefix>_<secret>`.

    Only the SHA-256 of the whole key is stored (see memberapi.keys); the key
    itself is shown once, when it is made. Keys are revoked, never deleted,
    so the audit trail and the use count keep pointing at them.
    """

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What the key is for, e.g. “proxy filter, London”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False, help_text="Shown to tell keys apart.")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.CharField(max_length=100, help_text="Space-separated: urllist:read reports:write reports:read")
    rate_limit = models.CharField(max_length=20, blank=True, help_text="e.g. 600/min; empty: API_RATE_LIMIT.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Counted with one UPDATE ... SET use_count = use_count + 1 per request:
    # no read-modify-write, so concurrent requests never lose a count.
    use_count = models.PositiveBigIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["member", "-created_at"]
        default_permissions = ("add", "change", "view")

    def __str__(self) -> str:
        return f"{self.name} (rsk_{self.prefix}_…)"

    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list()

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.member.active


class PartnerReport(models.Model):
    """A report a partner sent over the API, under the partner's own reference.

    Unique per member and reference: sending the same reference again gets
    the stored answer back instead of a second report (idempotency), and a
    different body under a used reference is refused (request_digest).
    """

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="partner_reports")
    reference = models.CharField(max_length=100)
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="partner_report")
    request_digest = models.CharField(max_length=64)
    response = models.JSONField(help_text="The answer given when it was made, given again on a repeat.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["member", "reference"], name="one_partner_report_per_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.reference}"


class ListChange(models.Model):
    """A record put on the URL list or taken off, written in the transaction that did it.

    `position` stays empty until a sequencing pass numbers it (see above).
    """

    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="list_changes")
    listed = models.BooleanField()
    at = models.DateTimeField()
    position = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["id"], name="listchange_pending", condition=Q(position__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id} {'listed' if self.listed else 'removed'} at {self.position}"


class ListPosition(models.Model):
    """The one row holding the last position handed out; locking it serialises sequencing passes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last = models.BigIntegerField(default=0)
    # The feeds' "date added" of the last position (see Listing.listed_added_at).
    last_added_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=Q(id=1), name="listposition_single_row")]

    def __str__(self) -> str:
        return f"list position {self.last}"


class Listing(models.Model):
    """One stay of a record on the URL list, from listed_position until removed_position."""

    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="listings")
    # Copies of the record's canonical form and hash (which never change), so
    # the list streams from this one table without a join.
    url = models.TextField()
    url_sha256 = models.CharField(max_length=64)
    category = models.CharField(max_length=24)
    listed_at = models.DateTimeField()
    listed_position = models.BigIntegerField(unique=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_position = models.BigIntegerField(null=True, blank=True, unique=True)
    # The record's registrable domain when its confirmed assessment marked the
    # whole domain dedicated to abuse (feeds.rpz blocks it whole); empty for
    # the usual page-level entry.
    domain = models.CharField(max_length=255, blank=True, default="", db_default="")
    # When the sequencing pass gave the listing and the removal their
    # positions: strictly increasing with the position (a microsecond apart at
    # least), so a TAXII client's `added_after` never skips nor repeats a
    # change. `listed_at`/`removed_at` are when takedown decided, which is not
    # in commit order. Empty only on rows sequenced before these existed and
    # not yet backfilled (migration 0002 fills them).
    listed_added_at = models.DateTimeField(null=True, blank=True)
    removed_added_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [
            # The feeds: the RPZ zone's few dedicated domains, and TAXII/MISP reading by date added.
            models.Index(fields=["domain"], name="listing_dedicated_domain", condition=~Q(domain="")),
            models.Index(fields=["listed_added_at"], name="listing_listed_added"),
            models.Index(
                fields=["removed_added_at"], name="listing_removed_added", condition=Q(removed_added_at__isnull=False)
            ),
            models.Index(Coalesce("removed_added_at", "listed_added_at"), name="listing_latest_added"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(removed_position__isnull=True), name="one_open_listing_per_record"
            ),
            models.CheckConstraint(
                condition=Q(removed_position__isnull=True) | Q(removed_position__gt=models.F("listed_position")),
                name="listing_removed_after_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id} listed {self.listed_position}–{self.removed_position or ''}"
