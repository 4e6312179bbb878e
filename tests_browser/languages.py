"""The languages of the public pages, and their addresses in each."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def site_languages() -> list[str]:
    """Every language the site offers on every portal; just the default until the project sets LANGUAGES.

    Django's own default LANGUAGES lists about a hundred languages the site has
    no translation for, so it counts only once settings name their own.
    """
    if settings.is_overridden("LANGUAGES"):
        return [code for code, _name in getattr(settings, "SITE_LANGUAGES", settings.LANGUAGES)]
    return [settings.LANGUAGE_CODE]


def portal_languages() -> list[str]:
    """The languages only a portal that chooses them offers (PORTAL_LANGUAGES, docs/portal-languages.md)."""
    return list(getattr(settings, "PORTAL_LANGUAGES", []))


def path_in(language: str, name: str) -> str:
    """The path of a named URL as a reader of `language` gets it (/fr/... under i18n_patterns)."""
    with translation.override(language):
        return reverse(name)


def is_rtl(language: str) -> bool:
    return translation.get_language_info(language)["bidi"]
