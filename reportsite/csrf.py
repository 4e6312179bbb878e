"""CSRF protection that works with `Referrer-Policy: no-referrer`.

Under that policy browsers send `Origin: null` and no Referer, even to the
site itself, so Django's origin and referer checks would refuse every real
form. Both checks stay for any request that carries a real Origin or Referer;
for those that cannot, the CSRF token decides. The token cookie is
SameSite=Strict (never sent by a cross-site form) and, in production, a
__Host- cookie (which cannot be planted over plain HTTP or by a subdomain),
which is what the referer check protects against.

A refusal is logged with its reason, but Django's reasons quote the Origin
or Referer the client sent: a reporter's Referer is never logged, so those
reasons are cut to their first words.
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

# Django's reasons that quote what the client sent ("Origin checking failed - https://... does not match").
_QUOTING_REASONS = ("Origin checking failed", "Referer checking failed")


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request: HttpRequest) -> None:
        if not request.META.get("HTTP_REFERER"):
            return
        super()._check_referer(request)

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return super()._reject(request, _without_client_text(reason))


def _without_client_text(reason: str) -> str:
    for prefix in _QUOTING_REASONS:
        if reason.startswith(prefix):
            return prefix
    return reason
