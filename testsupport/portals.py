"""Small helpers for the portal tests."""

from __future__ import annotations

from portals.models import Portal


def portal(slug: str = "nl", **fields) -> Portal:
    """A saved second portal; fields as a manager would type them."""
    fields.setdefault("name", f"Meldpunt {slug.upper()}")
    fields.setdefault("host_names", "")
    return Portal.objects.create(slug=slug, **fields)


def default_portal() -> Portal:
    return Portal.objects.get(is_default=True)
