"""Which portal a request came through, and what a record's home country is."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from portals.models import Portal, host_name_normal


def portal_default() -> Portal:
    """The default portal; an unsaved one from settings if none exists (before migrate, say)."""
    return Portal.objects.filter(is_default=True).first() or _default_unsaved()


def _default_unsaved() -> Portal:
    return Portal(slug="default", name=settings.HOTLINE_NAME, is_default=True)


# Every public request needs its portal; the table holds a handful of rows that
# change a few times a year. Each process keeps them for SNAPSHOT_SECONDS: a
# change made here takes effect at once (the signals below), one made through
# another web machine within that time.
SNAPSHOT_SECONDS = 30
_snapshot: tuple[float, tuple[Portal, ...]] | None = None


def portals_serving() -> tuple[Portal, ...]:
    """The active portals and the default one (always served), at most SNAPSHOT_SECONDS old."""
    global _snapshot
    taken = _snapshot
    now = time.monotonic()
    if taken is None or now - taken[0] > SNAPSHOT_SECONDS:
        # Replaced whole, never changed in place: another thread may be reading the old one.
        taken = (now, tuple(Portal.objects.filter(Q(active=True) | Q(is_default=True)).order_by("pk")))
        _snapshot = taken
    return taken[1]


def portals_forget() -> None:
    """Read the portals afresh on the next request."""
    global _snapshot
    _snapshot = None


def portal_changed(**_signal_kwargs) -> None:
    """A portal was saved or deleted: forget the snapshot now, and again once that is committed
    (another thread may have read the old rows in between)."""
    portals_forget()
    transaction.on_commit(portals_forget)


def portal_for_host(host: str) -> Portal:
    """The active portal that lists this host name, else the default portal."""
    wanted = host_name_normal(host)
    default = None
    for portal in portals_serving():
        if portal.active and wanted in portal.host_name_list():
            return portal
        if portal.is_default:
            default = portal
    return default or _default_unsaved()


def portal_for_slug(slug: str) -> Portal | None:
    return next((p for p in portals_serving() if p.active and p.slug == slug), None)


def portal_for(request: HttpRequest) -> Portal:
    """The portal of this request: by its /p/<slug>/ prefix (set by the middleware), else its host name."""
    portal = getattr(request, "_portal", None)
    if portal is None:
        try:
            host = request.get_host()
        except DisallowedHost:
            # The 400 page for a host we do not serve is drawn with the default portal.
            host = ""
        portal = portal_for_host(host)
        request._portal = portal
    return portal
