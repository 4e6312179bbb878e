"""Reading takedowns for staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from reports.models import UrlRecord
from takedown.models import CLOSED, OUT_FOR_ACTION, Notice, Recipient, Reply, Takedown

Status = Takedown.Status

# The overview's tabs: a name, a label and which takedowns each shows.
VIEWS: dict[str, tuple[str, Q]] = {
    "open": ("Not yet removed", ~Q(status__in=CLOSED)),
    "waiting": ("Waiting for a contact", Q(status=Status.AWAITING_CONTACT)),
    "queued": ("Notice queued", Q(status=Status.AWAITING_NOTICE)),
    "out": ("With provider, partner or police", Q(status__in=OUT_FOR_ACTION)),
    "escalated": ("Escalated", Q(status__in=OUT_FOR_ACTION, escalated_at__isnull=False)),
    "reopened": ("Re-opened", ~Q(status__in=CLOSED) & Q(reopened_at__isnull=False)),
    "closed": ("Removed or gone", Q(status__in=CLOSED)),
}
DEFAULT_VIEW = "open"


COUNTS_SECONDS = 60
PAGE = 50


def overview_counts() -> dict[str, int]:
    """How many takedowns each tab holds, in one query, kept COUNTS_SECONDS in the cache.

    The aggregate reads every takedown (300,000 at a million records): once a
    minute for everyone rather than on every page view. The tab badges may
    therefore be up to a minute old; the rows below them never are.
    """
    counts = cache.get("takedown:overview-counts")
    if counts is None:
        counts = Takedown.objects.aggregate(**{name: Count("pk", filter=q) for name, (_, q) in VIEWS.items()})
        cache.set("takedown:overview-counts", counts, COUNTS_SECONDS)
    return counts


@dataclass(frozen=True)
class ListFilters:
    country: str = ""
    route: str = ""  # who acts on it: the hosting provider, a partner hotline or the police
    overdue: bool = False  # a notice went out over TAKEDOWN_ESCALATE_AFTER ago and the content is still up


def _filtered(rows: QuerySet[Takedown], filters: ListFilters, *, now: datetime) -> QuerySet[Takedown]:
    if filters.country:
        rows = rows.filter(country_code=filters.country.upper())
    if filters.route:
        rows = rows.filter(route=filters.route)
    if filters.overdue:
        rows = rows.exclude(status__in=CLOSED).filter(first_notice_at__lt=now - settings.TAKEDOWN_ESCALATE_AFTER)
    return rows


def overview_rows(view: str, filters: ListFilters | None = None, *, now: datetime | None = None) -> QuerySet[Takedown]:
    """A tab's takedowns in its order: routed first for the open ones, most recently gone for the closed."""
    _, condition = VIEWS.get(view, VIEWS[DEFAULT_VIEW])
    order = ("-closed_at", "-pk") if view == "closed" else ("routed_at", "pk")
    rows = _filtered(Takedown.objects.filter(condition), filters or ListFilters(), now=now or timezone.now())
    return (
        rows.select_related("record", "recipient")
        .only(
            "record__url",
            "record__host",
            "record__first_reported_at",
            "recipient__name",
            "route",
            "status",
            "country_code",
            "routed_at",
            "first_notice_at",
            "escalated_at",
            "reopened_at",
            "closed_at",
            "removal_after_notice",
        )
        .order_by(*order)
    )


@dataclass
class ListPage:
    rows: list[Takedown]
    next_cursor: str | None  # "<microseconds since the epoch>.<record id>" of the last row, if more follow


def _cursor_parts(cursor: str | None) -> tuple[datetime, int] | None:
    at, dot, pk = (cursor or "").partition(".")
    if not dot or not at.isdigit() or not pk.isdigit() or len(cursor) > 40:
        return None
    return datetime.fromtimestamp(int(at) / 1_000_000, tz=UTC), int(pk)


def overview_page(
    view: str, filters: ListFilters | None = None, *, after: str | None = None, size: int = PAGE
) -> ListPage:
    """One page of a tab, starting after the cursor (keyset paging: no OFFSET, no COUNT, any depth)."""
    closed = view == "closed"
    rows = overview_rows(view, filters)
    parts = _cursor_parts(after)
    if parts is not None:
        at, pk = parts
        if closed:
            rows = rows.filter(Q(closed_at__lt=at) | Q(closed_at=at, pk__lt=pk), closed_at__lte=at)
        else:
            rows = rows.filter(Q(routed_at__gt=at) | Q(routed_at=at, pk__gt=pk), routed_at__gte=at)
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    cursor = None
    if more:
        last = found[-1]
        at = last.closed_at if closed else last.routed_at
        cursor = f"{int(at.timestamp() * 1_000_000)}.{last.pk}"
    return ListPage(found, cursor)


@dataclass(frozen=True)
class Panel:
    takedown: Takedown
    notices: list[Notice]
    replies: list[Reply]
    reply_recipients: list[Recipient]


def record_panel(record: UrlRecord) -> Panel | None:
    """What the record page shows about the record's takedown; None if it has none.

    Kept on the record for the rest of the request: the exchange panel reads
    the same notices to know whether the record ever went to a partner.
    """
    if _PANEL in record.__dict__:
        return record.__dict__[_PANEL]
    panel = _record_panel(record)
    record.__dict__[_PANEL] = panel
    return panel


_PANEL = "_takedown_panel"


def _record_panel(record: UrlRecord) -> Panel | None:
    if "takedown" in record._state.fields_cache:
        # Already joined to the record (triage.selectors.record_with_state): no query.
        takedown = record._state.fields_cache["takedown"]
    else:
        takedown = Takedown.objects.filter(pk=record.pk).select_related("recipient", "overridden_by").first()
    if takedown is None:
        return None
    notices = list(
        Notice.objects.filter(takedown=takedown).select_related("recipient", "batch").order_by("created_at", "pk")
    )
    replies = list(Reply.objects.filter(takedown=takedown).select_related("recipient", "recorded_by"))
    recipients = list({n.recipient_id: n.recipient for n in notices}.values())
    return Panel(takedown, notices, replies, recipients)


OVERRIDE_CHOICES_KEY = "takedown:override-choices"
OVERRIDE_CHOICES_SECONDS = 300


def override_choices() -> list[tuple[int, str]]:
    """Whom a senior may re-route a takedown to, as (id, label) choices, from the cache.

    Every confirmed record's page offers the override form, while the
    directory of recipients changes a few times a week: the list is kept in
    the cache and dropped by takedown.receivers whenever a recipient is
    saved or deleted (after the commit), so a change shows at once. The
    timeout only bounds a drop lost to a race with a reader that had just
    read the old list. The form still checks a posted choice against the
    table itself (OverrideForm's queryset), never against this list.
    """
    choices = cache.get(OVERRIDE_CHOICES_KEY)
    if choices is None:
        recipients = Recipient.objects.filter(active=True, approved=True).order_by("kind", "name")
        choices = [(r.pk, f"{r.name} ({r.get_kind_display()})") for r in recipients]
        cache.set(OVERRIDE_CHOICES_KEY, choices, OVERRIDE_CHOICES_SECONDS)
    return choices


def override_choices_forget() -> None:
    cache.delete(OVERRIDE_CHOICES_KEY)
