"""Reading triage: the queue in priority order, and everything the record page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from enrichment.models import HostAddress, LivenessCheck
from reports.models import ReportedAddress, UrlRecord
from staff.models import AuditEvent
from triage.models import WAITING, ActionedName, Assessment, TriageState

# A record reported this long ago and still waiting is "waiting over a day".
OLD_AFTER = timedelta(hours=24)
NEIGHBOURS_SHOWN = 20
LIVENESS_SHOWN = 50

# Priority: each reason adds a weight twice the next one's, so the order is
# "disputed first, then actioned host or domain, then online, then reported
# more than once, then waiting over a day"; an analyst reads it off the badges.
# Equal badges: more reports first, then the oldest.
WEIGHT_DISPUTED = 16
WEIGHT_ACTIONED = 8
WEIGHT_ONLINE = 4
WEIGHT_REPEATED = 2
WEIGHT_OLD = 1
QUEUE_ORDER = ("-priority", "-record__report_count", "record__first_reported_at", "record_id")


def with_priority(states: QuerySet[TriageState], *, now: datetime) -> QuerySet[TriageState]:
    """Annotate each row with its reasons (badges) and their sum, `priority`."""

    def actioned(kind: str, column: str) -> Exists:
        return Exists(ActionedName.objects.filter(kind=kind, name=OuterRef(column)))

    def weight(condition: Q, points: int) -> Case:
        return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())

    return states.annotate(
        actioned_host=actioned(ActionedName.Kind.HOST, "record__host"),
        actioned_domain=actioned(ActionedName.Kind.DOMAIN, "record__registrable_domain"),
        waiting_long=ExpressionWrapper(Q(record__first_reported_at__lt=now - OLD_AFTER), output_field=BooleanField()),
    ).annotate(
        priority=weight(Q(status=TriageState.Status.DISPUTED), WEIGHT_DISPUTED)
        + weight(Q(actioned_host=True) | Q(actioned_domain=True), WEIGHT_ACTIONED)
        + weight(Q(record__online=True), WEIGHT_ONLINE)
        + weight(Q(record__report_count__gte=2), WEIGHT_REPEATED)
        + weight(Q(waiting_long=True), WEIGHT_OLD)
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    country: str = ""
    host: str = ""  # a host or a registrable domain, exactly
    found_on: str = ""
    received_from: date | None = None
    received_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def queue_waiting(*, filters: QueueFilters | None = None) -> QuerySet[TriageState]:
    """The waiting rows that match the filters, unordered (counting them needs no priorities)."""
    filters = filters or QueueFilters()
    states = TriageState.objects.filter(status__in=WAITING)
    if filters.status:
        states = states.filter(status=filters.status)
    if filters.country:
        states = states.filter(record__country_code=filters.country.upper())
    if filters.host:
        name = filters.host.strip().lower().replace("[.]", ".")
        states = states.filter(Q(record__host=name) | Q(record__registrable_domain=name))
    reports = ReportedAddress.objects.filter(record=OuterRef("record"))
    if filters.found_on:
        reports = reports.filter(report__found_on=filters.found_on)
    if filters.received_from:
        reports = reports.filter(report__received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        reports = reports.filter(report__received_at__lt=_day_start(filters.received_to + timedelta(days=1)))
    if filters.found_on or filters.received_from or filters.received_to:
        states = states.filter(Exists(reports))
    return states


def queue(*, filters: QueueFilters | None = None, now: datetime | None = None) -> QuerySet[TriageState]:
    """Records waiting for an analyst, highest priority first.

    Reached through the partial index `triage_waiting`, so its cost grows with
    the number of waiting records, never with every record ever reported
    (see test_queue_reads_only_waiting_rows_on_postgres for the plans).
    """
    now = now or timezone.now()
    states = queue_waiting(filters=filters)
    return with_priority(states, now=now).select_related("record", "claimed_by").order_by(*QUEUE_ORDER)


def to_confirm() -> QuerySet[TriageState]:
    """Criminal assessments waiting for a second senior analyst, oldest first."""
    return (
        TriageState.objects.filter(status=TriageState.Status.AWAITING_CONFIRMATION)
        .select_related("record", "assessment", "assessment__analyst")
        .order_by("assessment__created_at", "record_id")
    )


@dataclass
class RecordPage:
    record: UrlRecord
    state: TriageState | None
    reports: list[ReportedAddress]
    host_addresses: list[HostAddress]
    liveness: list[LivenessCheck]
    same_host: list[UrlRecord]
    same_domain: list[UrlRecord]
    assessments: list[Assessment]
    history: list[dict] = field(default_factory=list)

    @property
    def disagreement(self) -> tuple[Assessment, Assessment] | None:
        """For a disputed record: (the first view, the second view)."""
        latest = self.state.assessment if self.state else None
        if latest is None or latest.disputes_id is None:
            return None
        first = next((a for a in self.assessments if a.pk == latest.disputes_id), None)
        return (first, latest) if first else None


def _neighbours(records: QuerySet[UrlRecord]) -> list[UrlRecord]:
    return list(
        records.select_related("triage", "triage__assessment").order_by("-last_reported_at", "-pk")[:NEIGHBOURS_SHOWN]
    )


def record_state(record_id: int) -> TriageState | None:
    """A record's triage row with everything the record page shows of it, in one query."""
    return (
        TriageState.objects.select_related(
            "claimed_by",
            "assessment",
            "assessment__analyst",
            "assessment__confirmed_by",
            "assessment__disputed_by",
        )
        .filter(pk=record_id)
        .first()
    )


_UNSET = object()


def record_page(record: UrlRecord, *, state: TriageState | None | object = _UNSET) -> RecordPage:
    """Everything the record page shows; pass `state` if the view already loaded it with `record_state`."""
    if state is _UNSET:
        state = record_state(record.pk)
    assessments = list(
        Assessment.objects.filter(record=record).select_related("analyst", "confirmed_by", "disputed_by")
    )
    same_host = _neighbours(UrlRecord.objects.filter(host=record.host).exclude(pk=record.pk))
    same_domain = (
        _neighbours(
            UrlRecord.objects.filter(registrable_domain=record.registrable_domain)
            .exclude(host=record.host)
            .exclude(pk=record.pk)
        )
        if record.registrable_domain
        else []
    )
    events = AuditEvent.objects.filter(target_type=UrlRecord._meta.label_lower, target_id=str(record.pk))
    history = [
        {"at": e.at, "who": e.actor_username, "what": e.get_action_display(), "summary": e.summary}
        for e in events.order_by("-at", "-id")[:200]
    ]
    return RecordPage(
        record=record,
        state=state,
        reports=list(
            ReportedAddress.objects.filter(record=record).select_related("report").order_by("-report__received_at")
        ),
        host_addresses=list(HostAddress.objects.filter(record=record)),
        liveness=list(LivenessCheck.objects.filter(record=record).order_by("-checked_at")[:LIVENESS_SHOWN]),
        same_host=same_host,
        same_domain=same_domain,
        assessments=assessments,
        history=history,
    )


def host_pending(*, host: str, user, now: datetime | None = None) -> QuerySet[TriageState]:
    """Waiting records of one host that a bulk action may take: unclaimed, or claimed by `user`."""
    now = now or timezone.now()
    return (
        TriageState.objects.filter(status__in=WAITING, record__host=host)
        .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=user))
        .select_related("record")
        .order_by("record_id")
    )
