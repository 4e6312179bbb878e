from __future__ import annotations

from django import template

from exchange.models import Forward, InboundForward

register = template.Library()


@register.inclusion_tag("exchange/_panel.html")
def exchange_panel(record) -> dict:
    """The record page's exchange section: what partners said about our forward, or who forwarded it to us."""
    forwards = list(
        Forward.objects.filter(record=record).select_related("partner").prefetch_related("events").order_by("pk")
    )
    inbound = list(InboundForward.objects.filter(record=record).select_related("partner").prefetch_related("updates"))
    return {"forwards": forwards, "inbound": inbound}
