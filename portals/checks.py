from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

PORTAL = "portals.middleware.PortalMiddleware"
LOCALE = "django.middleware.locale.LocaleMiddleware"


@register()
def portal_middleware_order(app_configs, **kwargs) -> list[Error]:
    """The portal's default language only reaches LocaleMiddleware if the portal middleware runs first."""
    middleware = list(settings.MIDDLEWARE)
    if PORTAL not in middleware:
        return [Error(f"{PORTAL} is missing from MIDDLEWARE.", id="portals.E001")]
    if LOCALE in middleware and middleware.index(LOCALE) < middleware.index(PORTAL):
        return [Error(f"{PORTAL} must come before {LOCALE} in MIDDLEWARE.", id="portals.E002")]
    return []
