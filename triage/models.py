"""Triage: what analysts decide about an address record, and where each record stands.

An `Assessment` is one analyst's view of one record and is never edited
afterwards, except to note who confirmed or disputed it. A `TriageState` row
per record says where it is in the workflow:

    awaiting_assessment ──assess (non-criminal)──▶ no_action
            │  ▲
            │  └──────── disputed ◀──┐ a second senior disagrees
            └─assess (criminal)──▶ awaiting_confirmation ──a second senior agrees──▶ confirmed_criminal

Four eyes apply to criminal outcomes only: they are what reaches industry
(the URL list) and partners, so the IWF's "at least two assessors" rule
applies to them. A non-criminal outcome (not illegal, outside remit,
unreachable, duplicate) takes the record out of the queue at once: nothing
leaves the hotline because of it, and a new report can bring it back later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from reports.models import UrlRecord


class Outcome(models.TextChoices):
    CRIMINAL_A = "criminal_a", "Category A"
    CRIMINAL_B = "criminal_b", "Category B"
    CRIMINAL_C = "criminal_c", "Category C"
    CRIMINAL_NON_PHOTOGRAPHIC = "criminal_non_photographic", "Prohibited non-photographic"
    NOT_ILLEGAL = "not_illegal", "Not illegal"
    OUTSIDE_REMIT = "outside_remit", "Outside remit"
    UNREACHABLE = "unreachable", "Unreachable"
    DUPLICATE = "duplicate", "Duplicate"


CRIMINAL_OUTCOMES = (
    Outcome.CRIMINAL_A,
    Outcome.CRIMINAL_B,
    Outcome.CRIMINAL_C,
    Outcome.CRIMINAL_NON_PHOTOGRAPHIC,
)


def is_criminal(outcome: str) -> bool:
    return outcome in CRIMINAL_OUTCOMES


class AgeGroup(models.TextChoices):
    """Age group of the youngest child."""

    AGE_0_2 = "0-2", "0–2"
    AGE_3_6 = "3-6", "3–6"
    AGE_7_10 = "7-10", "7–10"
    AGE_11_13 = "11-13", "11–13"
    AGE_14_15 = "14-15", "14–15"
    AGE_16_17 = "16-17", "16–17"


class Sex(models.TextChoices):
    GIRLS = "girls", "Girls"
    BOYS = "boys", "Boys"
    BOTH = "both", "Both"
    UNKNOWN = "unknown", "Unknown"


class SiteType(models.TextChoices):
    IMAGE_HOST = "image_host", "Image host"
    CYBERLOCKER = "cyberlocker", "Cyberlocker"
    FORUM = "forum", "Forum"
    SOCIAL_NETWORK = "social_network", "Social network"
    VIDEO_CHANNEL = "video_channel", "Video channel"
    BLOG = "blog", "Blog"
    WEBSITE = "website", "Website"
    SEARCH = "search", "Search"
    CHAT = "chat", "Chat"
    OTHER = "other", "Other"


_CRIMINAL = Q(outcome__in=CRIMINAL_OUTCOMES)
_DETAILS_GIVEN = ~Q(age_group="") & ~Q(sex="") & ~Q(site_type="") & Q(commercial__isnull=False)
_DETAILS_BLANK = Q(age_group="", sex="", site_type="", commercial__isnull=True)


class Assessment(models.Model):
    """One analyst's view of one record. The first pair of eyes, or the second one disagreeing."""

    record = models.ForeignKey(UrlRecord, on_delete=models.PROTECT, related_name="assessments")
    # PROTECT: who decided is evidence. Accounts are deactivated, never deleted.
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    duplicate_of = models.ForeignKey(
        UrlRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="duplicate_assessments"
    )
    # Criminal outcomes only (the database refuses them on any other outcome).
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    site_type = models.CharField(max_length=16, choices=SiteType.choices, blank=True)
    commercial = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The analyst's judgement that the record's whole registrable domain exists
    # for abuse (criminal outcomes only, refused by record_assess otherwise).
    # Once confirmed by a second senior analyst and while the record is listed,
    # the domain is blocked whole in the members' DNS RPZ feed (feeds.rpz);
    # without it a record only ever blocks its own URL.
    dedicated_domain = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Made by a senior analyst's bulk action over one host.
    bulk = models.BooleanField(default=False)
    # The second pair of eyes: either a confirmation, or a dispute whose
    # alternative view is the Assessment pointing here through `disputes`.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disputed_at = models.DateTimeField(null=True, blank=True)
    disputes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="disputed_with"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        default_permissions = ()
        # The dashboard's refresh reads assessments by day.
        indexes = [models.Index(fields=["created_at"], name="assessment_created")]
        permissions = [
            ("assess_record", "Can take records from the queue and assess them"),
            ("confirm_assessment", "Can confirm or dispute another analyst's criminal assessment"),
            ("bulk_assess", "Can apply one outcome to every pending record of a host"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(_CRIMINAL & _DETAILS_GIVEN) | (~_CRIMINAL & _DETAILS_BLANK),
                name="assessment_details_only_for_criminal",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.DUPLICATE, duplicate_of__isnull=False)
                | (~Q(outcome=Outcome.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="assessment_duplicate_names_its_original",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("record")),
                name="assessment_not_a_duplicate_of_itself",
            ),
            # Four eyes, enforced by the database as well as by the services.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("analyst")),
                name="assessment_confirmed_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(disputed_by__isnull=True) | ~Q(disputed_by=F("analyst")),
                name="assessment_disputed_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | (_CRIMINAL & Q(confirmed_by__isnull=False, confirmed_at__isnull=False, disputed_by__isnull=True)),
                name="assessment_only_criminal_confirmed_once",
            ),
            models.CheckConstraint(
                condition=Q(disputed_by__isnull=True, disputed_at__isnull=True)
                | Q(disputed_by__isnull=False, disputed_at__isnull=False),
                name="assessment_dispute_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"assessment {self.pk} of record {self.record_id}: {self.outcome}"

    @property
    def criminal(self) -> bool:
        return is_criminal(self.outcome)

    def same_view_as(self, other: Assessment) -> bool:
        """Whether two assessments say the same thing (notes aside)."""
        fields = ("outcome", "duplicate_of_id", "age_group", "sex", "site_type", "commercial", "dedicated_domain")
        return all(getattr(self, f) == getattr(other, f) for f in fields)


class TriageState(models.Model):
    """Where one record stands in triage; one row per enriched or failed record.

    The row is created in the same transaction that marks a record enriched
    or failed (enrichment's record_enrichment_finished signal, triage.receivers);
    `manage.py triage_sync` fills in any row missing after a partial restore.
    Keeping a row for every record lets the queue find waiting records
    through a small partial index instead of an anti-join over every record.
    """

    class Status(models.TextChoices):
        AWAITING_ASSESSMENT = "awaiting_assessment", "Awaiting assessment"
        AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting confirmation"
        DISPUTED = "disputed", "Disputed"
        CONFIRMED_CRIMINAL = "confirmed_criminal", "Confirmed criminal"
        NO_ACTION = "no_action", "No action"

    record = models.OneToOneField(UrlRecord, on_delete=models.CASCADE, primary_key=True, related_name="triage")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.AWAITING_ASSESSMENT)
    # The most recent assessment (for a disputed record: the second view).
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A claim lets one analyst assess the record; it lapses at claimed_until.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When an analyst first took the record up; the reporter then sees "being assessed".
    started_at = models.DateTimeField(null=True, blank=True)
    # The queue's order, kept current by the events that change it (see triage.priority).
    # Read only while the record is waiting.
    priority = models.PositiveSmallIntegerField(default=0)
    queue_rank = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        indexes = [
            # The queue in order, one page after another: a walk along this index from the last row shown.
            models.Index(
                fields=["queue_rank", "record"],
                name="triage_queue_rank",
                condition=Q(status__in=["awaiting_assessment", "disputed"]),
            ),
            # The queue and "next": only the waiting rows, however many are decided.
            models.Index(
                fields=["record"],
                name="triage_waiting",
                condition=Q(status__in=["awaiting_assessment", "disputed"]),
            ),
            models.Index(fields=["record"], name="triage_to_confirm", condition=Q(status="awaiting_confirmation")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claimed_until__isnull=True)
                | Q(claimed_by__isnull=False, claimed_until__isnull=False),
                name="triage_claim_has_who_and_until",
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.status}"

    def claim_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.claimed_by_id is not None and self.claimed_until is not None and self.claimed_until > now

    def claimed_by_user(self, user, now=None) -> bool:
        return self.claim_live(now) and self.claimed_by_id == user.pk

    @property
    def waiting(self) -> bool:
        return self.status in WAITING

    @property
    def final(self) -> bool:
        return self.status in FINAL


WAITING = (TriageState.Status.AWAITING_ASSESSMENT, TriageState.Status.DISPUTED)
FINAL = (TriageState.Status.CONFIRMED_CRIMINAL, TriageState.Status.NO_ACTION)


class ActionedName(models.Model):
    """A host or registrable domain with at least one confirmed criminal record.

    Written when a confirmation commits; the queue raises other records on
    the same host or domain. A small table with a unique index, so the check
    costs one index probe per waiting row.
    """

    class Kind(models.TextChoices):
        HOST = "host", "host"
        DOMAIN = "domain", "registrable domain"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=255)
    first_confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_records = models.PositiveIntegerField(default=1)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="one_actioned_row_per_name")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
