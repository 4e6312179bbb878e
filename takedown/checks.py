"""A start-up warning while routing has nowhere to send a confirmed record (see takedown.setup)."""

from __future__ import annotations

from django.core.checks import Warning, register
from django.db import DatabaseError

IDS = {
    "home_country": "takedown.W001",
    "law_enforcement": "takedown.W002",
    "partner_hotline": "takedown.W003",
    "abuse_contacts": "takedown.W004",
}


@register()
def routing_configured(app_configs=None, **kwargs) -> list[Warning]:
    from takedown.setup import setup_gaps

    try:
        gaps = setup_gaps()
    except DatabaseError:
        return []  # not migrated yet (or no database): nothing to say before `migrate`
    return [
        Warning(f"{gap.title}: confirmed records cannot all be routed.", hint=gap.todo, id=IDS[gap.key]) for gap in gaps
    ]
