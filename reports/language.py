"""The languages a report can be made in (the public pages' language handling: publicsite.language)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language_supported(code: str) -> bool:
    """Any language Django knows here: the site-wide ones and PORTAL_LANGUAGES (docs/portal-languages.md)."""
    return code in dict(settings.LANGUAGES)


def language_name(code: str) -> str:
    """The English name of a language code, for staff pages ("French"); the code itself if unknown."""
    try:
        return translation.get_language_info(code)["name"]
    except KeyError:
        return code
