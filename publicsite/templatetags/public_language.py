"""Tags of the public pages' header (see publicsite.language).

{% public_language_links as links %}: the current public page in each of the portal's languages.
{% public_fragment_key as key %}: what a public page's fixed parts depend on, to draw them once per key.
"""

from __future__ import annotations

from django import template
from django.conf import settings

from publicsite.language import LanguageLink, language_links
from publicsite.pages import fragment_key

register = template.Library()


@register.simple_tag(takes_context=True)
def public_language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    if request is None:
        return language_links("/")
    return language_links(request.path_info, getattr(request, "portal", None))


@register.simple_tag
def quick_exit_url() -> str:
    """Where "Leave this site quickly" goes (settings.QUICK_EXIT_URL)."""
    return settings.QUICK_EXIT_URL


@register.simple_tag(takes_context=True)
def public_fragment_key(context) -> str:
    """See publicsite.pages.fragment_key."""
    return fragment_key(context.get("request"))
