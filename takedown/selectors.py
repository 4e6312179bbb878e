"""Reading takedowns for staff pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

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


def overview_counts() -> dict[str, int]:
    """How many takedowns each tab holds, in one query."""
    return Takedown.objects.aggregate(**{name: Count("pk", filter=q) for name, (_, q) in VIEWS.items()})


def overview_rows(view: str) -> QuerySet[Takedown]:
    _, condition = VIEWS.get(view, VIEWS[DEFAULT_VIEW])
    order = "-closed_at" if view == "closed" else "routed_at"
    return (
        Takedown.objects.filter(condition)
        .select_related("record", "recipient")
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
        .order_by(order, "pk")
    )


@dataclass(frozen=True)
class Panel:
    takedown: Takedown
    notices: list[Notice]
    replies: list[Reply]
    reply_recipients: list[Recipient]


def record_panel(record: UrlRecord) -> Panel | None:
    """What the record page shows about the record's takedown; None if it has none."""
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


def override_choices() -> list[Recipient]:
    return list(Recipient.objects.filter(active=True, approved=True).order_by("kind", "name"))
