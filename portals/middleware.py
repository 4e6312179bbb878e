"""Choosing the portal of each request.

By host name: a portal lists the host names it answers to; any other host
gets the default portal. By path: every active portal is also served at
/p/<slug>/, for a country that has no domain of its own yet. This middleware
takes the prefix off `path_info` and adds it to the script prefix, so the
rest of the site resolves the path as if the portal had its own host and
every `{% url %}` stays inside the portal. Only the public report pages are
served under a prefix.

It must run before django.middleware.locale.LocaleMiddleware (a system check
says so): when the browser asks for no language the portal offers (or sends no
Accept-Language at all), the portal's default language is given to
LocaleMiddleware as if the browser had asked for it, so an explicit choice
(a language prefix in the path, the language cookie, a language the browser
asks for and the portal offers) still wins. A language prefix of
PORTAL_LANGUAGES that the portal does not offer (/uk/ on a portal without
Ukrainian) is a 404 (portals.languages).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, get_script_prefix, resolve, set_script_prefix
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portals.languages import browser_language_offered, language_offered, languages_offered, portal_language_codes
from portals.selectors import portal_for, portal_for_slug

logger = logging.getLogger(__name__)
PREFIXED = re.compile(r"^/p/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$", re.DOTALL)
PREFIXED_NAMESPACES = {"reports"}


def _public_unprefixed(path: str) -> bool:
    """A public page without a language prefix: the only kind whose language the portal may choose."""
    if translation.get_language_from_path(path) is not None:
        return False
    # Unprefixed URLs resolve in the default language, whatever this thread served last.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return resolve(path).namespace in PREFIXED_NAMESPACES
        except Resolver404:
            return False


def _path_language_not_offered(request: HttpRequest) -> bool:
    """The path's language prefix is one of PORTAL_LANGUAGES that this portal does not offer (/uk/ on the main site)."""
    code = translation.get_language_from_path(request.path_info)
    if code is None or code not in portal_language_codes():
        return False
    # A database that fails here is the site's 503 (try again), not a 404: the portal may well offer it.
    return not language_offered(request.portal, code)


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = PREFIXED.match(request.path_info)
        portal = portal_for_slug(match["slug"]) if match else None
        if portal is None:
            return self._respond(request)
        if match["rest"] is None:
            return HttpResponsePermanentRedirect(f"{request.path}/")
        request._portal = portal
        request.portal_prefixed = True
        request.path_info = match["rest"]
        outer = get_script_prefix()
        set_script_prefix(f"{outer}p/{portal.slug}/")
        try:
            return self._respond(request)
        finally:
            # The prefix is per thread: put it back before this thread serves anything else.
            set_script_prefix(outer)

    def _respond(self, request: HttpRequest) -> HttpResponse:
        request.portal = SimpleLazyObject(lambda: portal_for(request))
        if _path_language_not_offered(request):
            raise Http404("this portal does not offer that language")
        if _public_unprefixed(request.path_info):
            try:
                offered = languages_offered(request.portal)
                if browser_language_offered(request, offered) is None:
                    request.META["HTTP_ACCEPT_LANGUAGE"] = request.portal.language
            except DatabaseError as exc:
                # The database is down: the page falls back to the site's default
                # language, and whatever answers for a lost database still can.
                logger.warning("portal: no default language, the database failed: %s", type(exc).__name__)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if getattr(request, "portal_prefixed", False) and request.resolver_match.namespace not in PREFIXED_NAMESPACES:
            raise Http404("only the public pages are served under a portal's prefix")
        return None
