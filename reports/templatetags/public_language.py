"""Tags of the public pages' header (see reports.language).

{% public_language_links as links %}: the current public page in each of LANGUAGES.
{% public_fragment_key as key %}: what a public page's fixed parts depend on, to draw them once per key.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils import translation

from reports.language import PUBLIC_NAMESPACE, LanguageLink, language_links

register = template.Library()


@register.simple_tag(takes_context=True)
def public_language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    return language_links(request.path_info if request is not None else "/")


@register.simple_tag(takes_context=True)
def public_fragment_key(context) -> str:
    """All that the fixed parts of a public page are drawn from: the language, the portal, the URL prefix, the page.

    The header's links lead to this page in each language, or to the form on a
    page that is not public (an error page), so the page counts only by its
    name: the public pages take no arguments, and a 404's path cannot grow the
    cache. The portal counts by its fingerprint: an edited portal is drawn anew.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    page = match.view_name if match is not None and match.namespace == PUBLIC_NAMESPACE else ""
    portal = getattr(request, "portal", None)
    portal_key = portal.fingerprint if portal is not None else ""
    languages = ",".join(code for code, _name in settings.LANGUAGES)
    return "|".join((translation.get_language() or "", get_script_prefix(), portal_key, page, languages))
