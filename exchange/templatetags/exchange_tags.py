from __future__ import annotations

from django import template

from exchange.models import Forward, InboundForward
from triage.models import SiteType

register = template.Library()


@register.inclusion_tag("exchange/_panel.html")
def exchange_panel(record) -> dict:
    """The record page's exchange section: what partners said about our forward, or who forwarded it to us."""
    forwards = list(
        Forward.objects.filter(record=record).select_related("partner").prefetch_related("events").order_by("pk")
    )
    inbound = list(InboundForward.objects.filter(record=record).select_related("partner").prefetch_related("updates"))
    for item in inbound:
        site_type = (item.metadata.get("assessment") or {}).get("site_type") or ""
        item.site_type_label = SiteType(site_type).label if site_type in SiteType.values else site_type
    return {"forwards": forwards, "inbound": inbound}
