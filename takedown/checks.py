"""A start-up warning while routing has nowhere to send a confirmed record (see takedown.setup)."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

IDS = {
    "home_country": "takedown.W001",
    "law_enforcement": "takedown.W002",
    "partner_hotline": "takedown.W003",
    "abuse_contacts": "takedown.W004",
}


# A database check, as Django asks of checks that query: `migrate` runs it (so a fresh install is told
# after its first migrate, and every deploy after), as does `check --database default`; the other
# commands do not touch the database for it.
@register(Tags.database)
def routing_configured(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    if not databases or "default" not in databases:
        return []
    from takedown.setup import setup_gaps

    try:
        gaps = setup_gaps()
    except DatabaseError:
        return []  # not migrated yet (or no database): nothing to say before `migrate`
    return [
        Warning(f"{gap.title}: confirmed records cannot all be routed.", hint=gap.todo, id=IDS[gap.key]) for gap in gaps
    ]
