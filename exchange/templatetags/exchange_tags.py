from __future__ import annotations

from django import template
from django.db.models import prefetch_related_objects

from exchange.models import Forward, InboundForward
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
    database; a forward or an inbound forward costs its own query and one
    for its statuses.
    """
    forwards = []
    if _ever_sent_to_a_partner(record):
        forwards = list(
            Forward.objects.filter(record=record).select_related("partner").prefetch_related("events").order_by("pk")
        )
    inbound = _inbound(record, reports)
    prefetch_related_objects(inbound, "updates")
    for item in inbound:
        site_type = (item.metadata.get("assessment") or {}).get("site_type") or ""
        item.site_type_label = SiteType(site_type).label if site_type in SiteType.values else site_type
    return {"forwards": forwards, "inbound": inbound}
