from __future__ import annotations

from django import template
from django.db.models import OuterRef, prefetch_related_objects

from exchange.models import Forward, ForwardEvent, InboundForward
from reportsite.jsonrows import JSONRows, rows_from_json
from takedown.models import Recipient
from takedown.selectors import record_panel
from triage.models import SiteType

register = template.Library()


def _ever_sent_to_a_partner(record) -> bool:
    """Whether a Forward can exist: one is made only when a partner answers a notice
    of ours that went out to it (exchange.outbound._record_for asks for a batched
    notice to the partner's recipient, always a partner hotline). The takedown panel
    has loaded those notices already, with their recipients: no query here."""
    panel = record_panel(record)
    return bool(panel) and any(
        n.batch_id is not None and n.recipient.kind == Recipient.Kind.PARTNER_HOTLINE for n in panel.notices
    )


def _inbound(record, reports) -> list[InboundForward]:
    """Who forwarded the record to us. Each InboundForward comes with its own report, so
    the record page's reports (triage.selectors.record_page joins report__exchange_inbound)
    hold them all: no query unless this tag is used without them."""
    if reports is None:
        return list(InboundForward.objects.filter(record=record).select_related("partner"))
    found = []
    for reported in reports:
        try:
            found.append(reported.report.exchange_inbound)
        except InboundForward.DoesNotExist:
            continue
    unique = {item.pk: item for item in found if item.record_id == record.pk}
    return [unique[pk] for pk in sorted(unique)]


@register.inclusion_tag("exchange/_panel.html")
def exchange_panel(record, reports=None) -> dict:
    """The record page's exchange section: what partners said about our forward, or who forwarded it to us.

    Most records never met a partner, and then this asks nothing of the
    database; our forwards cost one query (their statuses included), a
    partner's forward to us one for the statuses we owe it.
    """
    forwards = []
    if _ever_sent_to_a_partner(record):
        # Each forward's few statuses (at most one per sequence) come with it as a JSON array.
        events = JSONRows(ForwardEvent.objects.filter(forward=OuterRef("pk")).order_by("sequence"))
        forwards = list(
            Forward.objects.filter(record=record).select_related("partner").annotate(events_json=events).order_by("pk")
        )
        for forward in forwards:
            forward.event_rows = rows_from_json(ForwardEvent, forward.events_json)
    inbound = _inbound(record, reports)
    prefetch_related_objects(inbound, "updates")
    for item in inbound:
        site_type = (item.metadata.get("assessment") or {}).get("site_type") or ""
        item.site_type_label = SiteType(site_type).label if site_type in SiteType.values else site_type
    return {"forwards": forwards, "inbound": inbound}
