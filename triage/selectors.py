"""Reading triage: the queue in priority order, and everything the record page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from enrichment.models import HostAddress, LivenessCheck
from reports.models import ReportedAddress, UrlRecord
from reportsite.jsonrows import JSONRows, rows_from_json
from staff.models import AuditEvent
from triage.models import WAITING, ActionedName, Assessment, TriageState
from triage.priority import OLD_AFTER

NEIGHBOURS_SHOWN = 20
LIVENESS_SHOWN = 50
QUEUE_PAGE = 50

# The stored order (triage.priority): one walk along the partial index triage_queue_rank.
QUEUE_ORDER = ("queue_rank", "record_id")


def with_reasons(states: QuerySet[TriageState], *, now: datetime) -> QuerySet[TriageState]:
    """The badges that explain each row's place; worked out for the rows of one page only."""

    def actioned(kind: str, column: str) -> Exists:
        return Exists(ActionedName.objects.filter(kind=kind, name=OuterRef(column)))

    return states.annotate(
        actioned_host=actioned(ActionedName.Kind.HOST, "record__host"),
        actioned_domain=actioned(ActionedName.Kind.DOMAIN, "record__registrable_domain"),
        waiting_long=ExpressionWrapper(Q(record__first_reported_at__lt=now - OLD_AFTER), output_field=BooleanField()),
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
    return with_reasons(states, now=now).select_related("record", "claimed_by").order_by(*QUEUE_ORDER)


@dataclass(frozen=True)
class QueueCursor:
    """Where a page of the queue ends: the (rank, record id) of its last (or first) row, as "rank.id" in links."""

    rank: int
    record_id: int

    def __str__(self) -> str:
        return f"{self.rank}.{self.record_id}"

    @classmethod
    def parse(cls, text: str | None) -> QueueCursor | None:
        """None for anything that is not two whole numbers: a tampered link shows the first page."""
        rank, dot, record_id = (text or "").partition(".")
        if not dot or not rank.lstrip("-").isdigit() or not record_id.isdigit() or len(text) > 40:
            return None
        return cls(int(rank), int(record_id))


@dataclass
class QueuePage:
    rows: list[TriageState]
    next_cursor: QueueCursor | None
    previous_cursor: QueueCursor | None


def _cursor_of(row: TriageState) -> QueueCursor:
    return QueueCursor(row.queue_rank, row.record_id)


def queue_page(
    *,
    filters: QueueFilters | None = None,
    after: QueueCursor | None = None,
    before: QueueCursor | None = None,
    size: int = QUEUE_PAGE,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue, starting after `after` (Next) or ending before `before` (Previous).

    Keyset paging: `queue_rank >= r` bounds the index walk so it starts at
    the cursor, whatever the depth; the OR settles ties on the record id.
    """
    rows = queue(filters=filters, now=now)
    if before is not None:
        older = Q(queue_rank__lt=before.rank) | Q(queue_rank=before.rank, record_id__lt=before.record_id)
        found = list(rows.filter(older, queue_rank__lte=before.rank).order_by("-queue_rank", "-record_id")[: size + 1])
        more_before = len(found) > size
        found = found[:size][::-1]
        return QueuePage(
            rows=found,
            next_cursor=_cursor_of(found[-1]) if found else after,
            previous_cursor=_cursor_of(found[0]) if found and more_before else None,
        )
    if after is not None:
        newer = Q(queue_rank__gt=after.rank) | Q(queue_rank=after.rank, record_id__gt=after.record_id)
        rows = rows.filter(newer, queue_rank__gte=after.rank)
    found = list(rows[: size + 1])
    more_after = len(found) > size
    found = found[:size]
    return QueuePage(
        rows=found,
        next_cursor=_cursor_of(found[-1]) if more_after else None,
        previous_cursor=_cursor_of(found[0]) if after is not None and found else None,
    )


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


def _neighbours(record: UrlRecord) -> tuple[list[UrlRecord], list[UrlRecord]]:
    """Other records on the same host, and on the same registrable domain but another host, most recent first.

    One query for both lists: the rows of the host or the domain numbered
    within each of the two groups (a window), NEIGHBOURS_SHOWN kept of each.
    """
    near = Q(host=record.host)
    if record.registrable_domain:
        near |= Q(registrable_domain=record.registrable_domain)
    same_host = ExpressionWrapper(Q(host=record.host), output_field=BooleanField())
    rows = list(
        UrlRecord.objects.filter(near)
        .exclude(pk=record.pk)
        .annotate(
            same_host=same_host,
            place=Window(
                RowNumber(), partition_by=[same_host], order_by=[F("last_reported_at").desc(), F("pk").desc()]
            ),
        )
        .filter(place__lte=NEIGHBOURS_SHOWN)
        .select_related("triage", "triage__assessment")
        .order_by("-last_reported_at", "-pk")
    )
    return [r for r in rows if r.same_host], [r for r in rows if not r.same_host]


_STATE_PEOPLE = (
    "claimed_by",
    "assessment",
    "assessment__analyst",
    "assessment__confirmed_by",
    "assessment__disputed_by",
)


def record_with_state(record_id: int, *, confirmer=None) -> UrlRecord | None:
    """The record with its triage row, the people on it and its takedown, in one query (the record page's first).

    For a `confirmer` (a senior who may confirm), the same query also counts
    the assessments waiting for them (the "To confirm" badge of the triage
    menu) as a subquery, as `to_confirm_waiting`: a second round trip saved,
    the count as fresh as if asked on its own.
    """
    records = UrlRecord.objects.select_related(
        "triage",
        *(f"triage__{name}" for name in _STATE_PEOPLE),
        "takedown",
        "takedown__recipient",
        "takedown__overridden_by",
    )
    if confirmer is not None:
        waiting = (
            to_confirm()
            .exclude(assessment__analyst=confirmer)
            .order_by()
            .values("status")  # one group: every row has the same status
            .annotate(n=Count("pk"))
            .values("n")
        )
        records = records.annotate(to_confirm_waiting=Coalesce(Subquery(waiting), 0))
    # The record's own enrichment facts, a handful of small rows, come in the
    # same query as JSON arrays (reportsite.jsonrows): two round trips saved.
    records = records.annotate(
        host_addresses_json=JSONRows(HostAddress.objects.filter(record=OuterRef("pk")).order_by("pk")),
        liveness_json=JSONRows(_latest_checks(OuterRef("pk"))),
    )
    return records.filter(pk=record_id).first()


def _latest_checks(record) -> QuerySet[LivenessCheck]:
    return LivenessCheck.objects.filter(record=record).order_by("-checked_at", "-pk")[:LIVENESS_SHOWN]


def _enrichment_facts(record: UrlRecord) -> tuple[list[HostAddress], list[LivenessCheck]]:
    """Host addresses and the latest checks: from `record_with_state`'s JSON columns, or read now."""
    if hasattr(record, "host_addresses_json") and hasattr(record, "liveness_json"):
        checks = rows_from_json(LivenessCheck, record.liveness_json)
        # jsonb_agg keeps the subquery's order in practice; sorting again makes it certain.
        checks.sort(key=lambda c: (c.checked_at, c.pk), reverse=True)
        return rows_from_json(HostAddress, record.host_addresses_json), checks
    return list(HostAddress.objects.filter(record=record)), list(_latest_checks(record))


def loaded_state(record: UrlRecord) -> TriageState | None:
    """The triage row `record_with_state` brought along (None if the record has none)."""
    try:
        return record.triage
    except TriageState.DoesNotExist:
        return None


def record_state(record_id: int) -> TriageState | None:
    """A record's triage row with everything the record page shows of it, in one query."""
    return TriageState.objects.select_related(*_STATE_PEOPLE).filter(pk=record_id).first()


_UNSET = object()


def record_page(record: UrlRecord, *, state: TriageState | None | object = _UNSET) -> RecordPage:
    """Everything the record page shows; pass `state` if the view already loaded it with `record_state`."""
    if state is _UNSET:
        state = record_state(record.pk)
    if state is not None and state.assessment_id is None:
        assessments = []  # Every assessment points the row at itself: none was ever made, no query.
    else:
        assessments = list(
            Assessment.objects.filter(record=record).select_related("analyst", "confirmed_by", "disputed_by")
        )
    same_host, same_domain = _neighbours(record)
    host_addresses, liveness = _enrichment_facts(record)
    events = AuditEvent.objects.filter(target_type=UrlRecord._meta.label_lower, target_id=str(record.pk))
    history = [
        {"at": e.at, "who": e.actor_username, "what": e.get_action_display(), "summary": e.summary}
        for e in events.order_by("-at", "-id")[:200]
    ]
    return RecordPage(
        record=record,
        state=state,
        # A report forwarded by a partner hotline comes with its exchange row
        # (a one-to-one, joined here by name): the exchange panel reads it
        # from these reports instead of asking again.
        reports=list(
            ReportedAddress.objects.filter(record=record)
            .select_related("report", "report__exchange_inbound", "report__exchange_inbound__partner")
            .order_by("-report__received_at")
        ),
        host_addresses=host_addresses,
        liveness=liveness,
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
