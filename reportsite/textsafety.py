"""Invisible control characters made visible on staff pages.

A right-to-left override (U+202E) in `http://example.com/\u202egpj.exe` makes
it display as ".../exe.jpg"; zero-width and other format characters hide
what is there. Staff must see what is stored, so every such character in
text from outside (addresses as typed, descriptions, server headers, RDAP
names) is shown as a visible mark, `[U+202E]`, on staff pages.

Two layers: the defang filters (triage.defang) reveal them in each address
and text they show, and RevealControlsMiddleware does the same to the whole
of every staff HTML page (the admin and the audit trail included), so a
template that forgets a filter still shows nothing hidden. Public pages are
left alone: a reporter's page may rightly hold direction marks in its
translations.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Controls (Cc, but tab and line breaks), format characters (Cf: direction
# marks, embeddings, overrides and isolates, zero-width characters, the
# byte-order mark, invisible operators, tags) and the Unicode line and
# paragraph separators (Zl, Zp).
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)

STAFF_PATH_PREFIXES = ("/staff/", "/triage/", "/takedown/", "/admin/", "/dashboard/")


def reveal_controls(text: str) -> str:
    """The text with every invisible control character written out as [U+XXXX]."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda match: f"[U+{ord(match.group(0)):04X}]", text)


class RevealControlsMiddleware:
    """Staff HTML pages with every invisible control character revealed; see the module docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith(STAFF_PATH_PREFIXES)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            html = response.content.decode(response.charset, errors="replace")
            shown = reveal_controls(html)
            if shown != html:
                response.content = shown.encode(response.charset)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
        return response
