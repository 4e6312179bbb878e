"""CSRF protection that works with `Referrer-Policy: no-referrer`.

Under that policy browsers send `Origin: null` and no Referer, even to the
site itself, so Django's origin and referer checks would refuse every real
form. Both checks stay for any request that carries a real Origin or Referer;
for those that cannot, the CSRF token decides. The token cookie is
SameSite=Strict (never sent by a cross-site form) and, in production, a
__Host- cookie (which cannot be planted over plain HTTP or by a subdomain),
which is what the referer check protects against.
"""

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request: HttpRequest) -> None:
        if not request.META.get("HTTP_REFERER"):
            return
        super()._check_referer(request)
