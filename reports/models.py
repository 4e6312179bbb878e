"""Reports from the public and the address records they point at.

A report is what one person sent at one time; an address record is one
canonical web address, however many reports name it. Nothing here holds
anything about the reporter beyond what they chose to type.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.language import language_name


class UrlRecord(models.Model):
    """One canonical web address, unique by the SHA-256 of its canonical form."""

    class Enrichment(models.TextChoices):
        NEW = "new", _("new")
        QUEUED = "queued", _("queued")
        ENRICHED = "enriched", _("enriched")
        FAILED = "failed", _("failed")

    url = models.TextField(help_text="Canonical form; never rendered as a link.")
    # Unique and indexed through Meta, not unique=/db_index=: on PostgreSQL those
    # add a second, LIKE-pattern index per column that nothing here queries and
    # every report's insert would keep up to date.
    url_sha256 = models.CharField(max_length=64)
    host = models.CharField(max_length=255)
    # Filled by enrichment; kept on the record so the analyst queue can filter
    # and sort a million records without joining the detail tables.
    registrable_domain = models.CharField(max_length=255, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    network_name = models.CharField(max_length=255, blank=True)
    online = models.BooleanField(null=True, help_text="Did the last liveness check get an answer (status < 400)?")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # Liveness tracking: the routing step flags confirmed records; the schedule
    # re-checks them every check_interval until they are gone.
    track_liveness = models.BooleanField(default=False)
    check_interval = models.DurationField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    report_count = models.PositiveIntegerField(default=0)
    first_reported_at = models.DateTimeField(default=timezone.now)
    last_reported_at = models.DateTimeField(default=timezone.now)

    # The enrichment pipeline: new → queued → enriched, or failed after
    # ENRICH_MAX_ATTEMPTS. The sweep finds records left in new or queued.
    enrichment_state = models.CharField(max_length=16, choices=Enrichment.choices, default=Enrichment.NEW)
    enrichment_attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    enriched_at = models.DateTimeField(null=True, blank=True)
    enrichment_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["url_sha256"], name="urlrecord_url_sha256_unique")]
        indexes = [
            models.Index(fields=["host"], name="urlrecord_host"),
            models.Index(fields=["registrable_domain"], name="urlrecord_registrable_domain"),
            models.Index(fields=["country_code"], name="urlrecord_country_code"),
            models.Index(fields=["enrichment_state", "queued_at"], name="urlrecord_pipeline"),
            models.Index(fields=["-last_reported_at"], name="urlrecord_last_reported"),
            models.Index(
                fields=["next_check_at"], name="urlrecord_due_checks", condition=models.Q(track_liveness=True)
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.pk}"


class Report(models.Model):
    """One submission from the public form (or, later, a partner's API call)."""

    class Seen(models.TextChoices):
        IMAGES = "images", _("Images")
        VIDEOS = "videos", _("Videos")
        BOTH = "both", _("Both images and videos")
        NOT_SURE = "not_sure", _("Not sure")

    class FoundOn(models.TextChoices):
        WEBSITE = "website", _("A website")
        SOCIAL = "social", _("Social media")
        SEARCH = "search", _("A search result")
        FORUM_CHAT = "forum_chat", _("A forum or chat")
        FILE_SHARING = "file_sharing", _("A file-sharing link")
        ADVERT = "advert", _("An advert or pop-up")
        OTHER = "other", _("Somewhere else")

    reference = models.CharField(max_length=16)  # unique through Meta (see UrlRecord.url_sha256)
    # The receipt is shown once and kept only as a hash (see reports.receipts).
    receipt_hash = models.CharField(max_length=64)
    seen = models.CharField(max_length=16, choices=Seen.choices)
    found_on = models.CharField(max_length=16, choices=FoundOn.choices)
    description = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    language = models.CharField(max_length=16, default="en")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when every address of the report is finally dealt with (no action, or
    # the content gone); the retention clock for contact_email and description
    # runs from here. A re-opened address clears it again.
    closed_at = models.DateTimeField(null=True, blank=True)
    records = models.ManyToManyField(UrlRecord, through="ReportedAddress", related_name="reports")
    # The public portal it came through; NULL for reports from before portals
    # and from the member API. PROTECT: a portal with reports is deactivated, not deleted.
    portal = models.ForeignKey(
        "portals.Portal", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reference"], name="report_reference_unique")]
        indexes = [
            models.Index(fields=["received_at"], name="report_open", condition=models.Q(closed_at__isnull=True)),
            models.Index(fields=["closed_at"], name="report_closed", condition=models.Q(closed_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def language_name(self) -> str:
        """The reporter's language in English, for staff: "French"."""
        return language_name(self.language)


class ReportedAddress(models.Model):
    """An address as the reporter typed it, linked to its canonical record."""

    # No index of its own: the unique (report, record) index below serves look-ups by report.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="addresses", db_index=False)
    # PROTECT: a record named by a report is evidence and is never deleted with it.
    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="reported_addresses")
    as_typed = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "record"], name="one_address_per_record_per_report"),
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.position}"
