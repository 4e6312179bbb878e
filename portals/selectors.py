"""Which portal a request came through, and what a record's home country is."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db.models import Q
from django.http import HttpRequest

from portals.models import Portal, host_name_normal


def portal_default() -> Portal:
    """The default portal; an unsaved one from settings if none exists (before migrate, say)."""
    return Portal.objects.filter(is_default=True).first() or _default_unsaved()


def _default_unsaved() -> Portal:
    return Portal(slug="default", name=settings.HOTLINE_NAME, is_default=True)


def portal_for_host(host: str) -> Portal:
    """The active portal that lists this host name, else the default portal."""
    wanted = host_name_normal(host)
    # One query on every public page: the active portals with host names and the
    # default one (always active), a handful of rows. Matching in Python keeps
    # "one name per line" simple and exact.
    default = None
    for portal in Portal.objects.filter((Q(active=True) & ~Q(host_names="")) | Q(is_default=True)):
        if portal.active and wanted in portal.host_name_list():
            return portal
        if portal.is_default:
            default = portal
    return default or _default_unsaved()


def portal_for_slug(slug: str) -> Portal | None:
    return Portal.objects.filter(slug=slug, active=True).first()


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


def home_country_for(record) -> str:
    """The home country a record is routed by: that of the portal of its first report.

    Falls back to settings.HOME_COUNTRY for records first reported through no
    portal (before portals existed, or through the member API) and for portals
    that leave the home country blank.
    """
    from reports.models import Report

    first = (
        Report.objects.filter(addresses__record=record)
        .order_by("received_at", "pk")
        .values_list("portal__home_country", flat=True)
        .first()
    )
    return (first or settings.HOME_COUNTRY).upper()
