"""{% public_language_links as links %}: the current public page in each of LANGUAGES (see reports.language)."""

from __future__ import annotations

from django import template

from reports.language import LanguageLink, language_links

register = template.Library()


@register.simple_tag(takes_context=True)
def public_language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    return language_links(request.path_info if request is not None else "/")
