"""Site-wide request and response rules."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    # This runs before LocaleMiddleware: the page speaks the language of its URL (/fr/...).
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string("refused.html", {"status": status, "message": message}, request=request)
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    return response


def _api_refusal(status: int, message: str) -> HttpResponse:
    return JsonResponse({"detail": message}, status=status)


class RequestLimitsMiddleware:
    """Refuse uploads and oversized bodies before Django parses them.

    The site stores addresses, never files: a multipart body is refused whatever
    it holds, and a body larger than MAX_REQUEST_BYTES is refused unread. The
    member API (/api/) takes larger JSON bodies, up to API_MAX_REQUEST_BYTES,
    and only with a Content-Length, since its parser reads the stream itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django's own parse of the header, as the form parser will see it.
        if (request.content_type or "").lower().startswith("multipart/"):
            return _refusal(request, 415, _("This site does not accept files. Send only the web address."))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400, _("The request could not be read."))
        api = request.path.startswith("/api/")
        # A body of unknown length (chunked) could be any size: every browser sends one with a length.
        if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE") and not request.META.get("CONTENT_LENGTH"):
            if api:
                return _api_refusal(411, "Send a Content-Length header.")
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return _refusal(request, 411, _("The request could not be read."))
        if api:
            if length > settings.API_MAX_REQUEST_BYTES:
                return _api_refusal(413, f"The body is larger than {settings.API_MAX_REQUEST_BYTES} bytes.")
        elif length > settings.MAX_REQUEST_BYTES:
            return _refusal(request, 413, _("The request is too large. Send only web addresses."))
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may hold a report, a receipt or staff data: never cache them.

    Static files are answered earlier by WhiteNoise and keep their own headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        return response
