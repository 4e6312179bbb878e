"""Which language the public pages speak, and the links that change it.

The URL decides: /fr/status/ is French, /status/ is English (Django's
LocaleMiddleware with i18n_patterns and prefix_default_language=False). Left
alone, Django ignores the browser's preference on unprefixed URLs, so a
reporter whose browser asks for Polish would land on English at /. This
module adds the fallback: a visit that *enters* the site at an unprefixed
public page is redirected to the same page in the browser's language.

"Enters" is read from Sec-Fetch-Site, which every current browser sends: a
typed address, a bookmark or a link from another site (`none`,
`cross-site`, `same-site`) is an entry; a click on one of our own links
(`same-origin`) is not. That is what lets the language selector's "English"
link point at plain / without a cookie: following it from /fr/ is a
same-origin navigation and is never sent back to French. A request without
the header (an old browser, a script) is not redirected and gets English,
with the selector on the page. Both the redirect and the selector keep to
the languages the current portal offers (portals.languages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portals.languages import browser_language_offered, languages_offered, site_language_codes

if TYPE_CHECKING:
    from portals.models import Portal

# The public pages' URL namespace (publicsite.urls); kept as "reports", the name every template reverses.
PUBLIC_NAMESPACE = "reports"
ENTRY_FETCH_SITES = {"none", "cross-site", "same-site"}


def _public_match(path: str):
    """The resolver match of a public page at this path, or None (staff, API, not found)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match if match.namespace == PUBLIC_NAMESPACE else None


def _public_url(match, code: str) -> str:
    with translation.override(code):
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


class BrowserLanguageMiddleware:
    """Send an entry at an unprefixed public page to the browser's language (after LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._redirect_for(request)
        if redirect is not None:
            return redirect
        response = self.get_response(request)
        if translation.get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ("Sec-Fetch-Site",))
        return response

    def _redirect_for(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if request.headers.get("Sec-Fetch-Site") not in ENTRY_FETCH_SITES:
            return None
        if translation.get_language_from_path(request.path_info) is not None:
            return None
        preferred = translation.get_language_from_request(request, check_path=False)
        if preferred not in site_language_codes():
            # A language only some portals offer: the portal is read only then. If this one does
            # not offer it, the browser's next choice that it does, if any.
            offered = languages_offered(getattr(request, "portal", None))
            if preferred not in offered:
                preferred = browser_language_offered(request, offered)
        if preferred is None or preferred == settings.LANGUAGE_CODE:
            return None
        match = _public_match(request.path_info)
        if match is None:
            return None
        url = _public_url(match, preferred)
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        response = HttpResponseRedirect(url)
        patch_vary_headers(response, ("Accept-Language", "Sec-Fetch-Site"))
        return response


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself: "Français", "Polski", "العربيّة"
    url: str
    bidi: bool
    current: bool


def language_links(path: str, portal: Portal | None = None) -> list[LanguageLink]:
    """This page in each of the portal's languages; on a page that is not public (a 404), the report form."""
    # reverse() includes the script prefix (a portal's /p/<slug>/, a SCRIPT_NAME); resolve() wants it off.
    form = reverse(f"{PUBLIC_NAMESPACE}:form").removeprefix(get_script_prefix())
    match = _public_match(path) or resolve(f"/{form}")
    current = translation.get_language()
    links = []
    for code in languages_offered(portal):
        info = translation.get_language_info(code)
        name = info["name_local"]
        links.append(
            LanguageLink(
                code=code,
                name=name[:1].upper() + name[1:],
                url=_public_url(match, code),
                bidi=info["bidi"],
                current=code == current,
            )
        )
    return links
