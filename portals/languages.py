"""Which languages a portal offers (docs/portal-languages.md).

Every portal offers the site-wide languages (settings.SITE_LANGUAGES); a
portal may add some of settings.PORTAL_LANGUAGES (its `extra_languages`).
Django knows both lists as LANGUAGES; what is *offered* where is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

if TYPE_CHECKING:
    from django.http import HttpRequest

    from portals.models import Portal

# A language is offered only once these are translated: a reporter must never
# get the warning not to download or share the images, or what the form needs,
# in English while the rest of the page is in a language they read.
SAFETY_MESSAGES = (
    "Please do not download, screenshot or share the images",
    "Do not save, copy or send the pictures or videos to anyone, including us: that can be a crime, even with "
    "good intentions. We only need the web address of the page.",
    # The form's required texts: what it asks for, and what it says when something is missing.
    "Fields marked * must be filled in.",
    "Enter at least one web address.",
    "Choose what you saw. If you are not sure, choose “Not sure”.",
    "Choose where you found the address, or “Somewhere else”.",
    "Send report",
)


def site_language_codes() -> list[str]:
    return [code for code, _name in settings.SITE_LANGUAGES]


def portal_language_codes() -> list[str]:
    return list(settings.PORTAL_LANGUAGES)


def languages_offered(portal: Portal | None) -> list[str]:
    """The portal's languages: the site-wide ones, then its extra ones (still in PORTAL_LANGUAGES)."""
    extra = portal.extra_language_list() if portal is not None else []
    return site_language_codes() + [code for code in portal_language_codes() if code in extra]


def language_offered(portal: Portal | None, code: str | None) -> bool:
    return code in languages_offered(portal)


def missing_safety_messages(code: str) -> list[str]:
    """The safety messages the compiled catalogue of `code` does not translate (all of them without one)."""
    with translation.override(code):
        return [message for message in SAFETY_MESSAGES if translation.gettext(message) == message]


def browser_language_offered(request: HttpRequest, offered: list[str]) -> str | None:
    """The first language the browser asks for that is offered here, or None."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            return None
        try:
            variant = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if variant in offered:
            return variant
    return None
