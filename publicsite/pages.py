"""Public pages drawn once and served many times, with the few values that differ per visitor filled in.

The report form as first served, and the confirmation after a report, are the
same for everyone who sees them in one language through one portal but for a
handful of values: the CSRF and form tokens, the reference and receipt code.
Drawing a whole page through the template engine costs about as much CPU as
storing the report, so each process draws such a page once per key (language,
portal, URL prefix, page: `fragment_key`) with a marker in place of each of
those values, keeps the text in CACHES["fragments"], and fills the markers in
for each visitor. Only pages without anything a visitor typed are kept; the
values filled in are never kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import escape

from publicsite.language import PUBLIC_NAMESPACE

PAGE_SECONDS = 3600
# Letters, digits and hyphens only: the template engine's escaping leaves a marker as it is.
MARKER = "rs-hole-{name}-a83f1c"


def fragment_key(request: HttpRequest | None) -> str:
    """All that the fixed parts of a public page are drawn from: the language, the portal, the URL prefix, the page.

    The header's links lead to this page in each language, or to the form on a
    page that is not public (an error page), so the page counts only by its
    name: the public pages take no arguments, and a 404's path cannot grow the
    cache. The portal counts by its fingerprint: an edited portal is drawn anew.
    """
    match = getattr(request, "resolver_match", None)
    page = match.view_name if match is not None and match.namespace == PUBLIC_NAMESPACE else ""
    portal = getattr(request, "portal", None)
    portal_key = portal.fingerprint if portal is not None else ""
    languages = ",".join(code for code, _name in settings.LANGUAGES)
    return "|".join((translation.get_language() or "", get_script_prefix(), portal_key, page, languages))


def hole(name: str) -> str:
    """The marker drawn in place of the visitor's own `name` (for a context that needs it inside an object)."""
    return MARKER.format(name=name)


def page_with_holes(
    request: HttpRequest,
    template_name: str,
    values: dict[str, str],
    context: Callable[[], dict] | None = None,
) -> HttpResponse:
    """The page, drawn once per key with `values`' names as markers, and `values` filled in.

    `context` builds the rest of the template's context, only when the page is
    drawn; it must hold nothing particular to this visitor. The template sees
    `request` (its portal and page) but no context processors: a public page
    needs none, and `csrf_token`, if the page has a form, is one of `values`.
    """
    cache = caches["fragments"]
    key = f"page:{template_name}:{fragment_key(request)}"
    text = cache.get(key)
    if text is None:
        drawn = {**(context() if context else {}), **{name: hole(name) for name in values}, "request": request}
        text = render_to_string(template_name, drawn)
        cache.set(key, text, timeout=PAGE_SECONDS)
    for name, value in values.items():
        text = text.replace(hole(name), escape(value))
    return HttpResponse(text)
