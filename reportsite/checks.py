"""Deployment checks (`manage.py check --deploy`) for mistakes that weaken reportsite quietly."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def production_shape(app_configs, **kwargs) -> list[Warning]:
    found: list[Warning] = []
    if settings.PRODUCTION and settings.CLIENT_IP_META_KEY == "REMOTE_ADDR":
        found.append(
            Warning(
                "CLIENT_IP_META_KEY is REMOTE_ADDR: behind a reverse proxy every reporter shares the proxy's "
                "address, so the per-client rate limit acts as a site-wide one and one client's failed staff "
                "logins lock everybody out.",
                hint="Set CLIENT_IP_META_KEY=HTTP_X_REAL_IP and have nginx set X-Real-IP.",
                id="reportsite.W001",
            )
        )
    if settings.PRODUCTION and not settings.CACHE_URL:
        found.append(
            Warning(
                "CACHE_URL is not set: rate limits and form tokens live in each process's memory.",
                hint="Point CACHE_URL at Redis (redis://host:6379/1).",
                id="reportsite.W002",
            )
        )
    if settings.PRODUCTION and settings.CELERY_TASK_ALWAYS_EAGER:
        found.append(
            Warning(
                "CELERY_BROKER_URL is not set: background work runs inside the web processes.",
                hint="Run Celery workers and beat against Redis or RabbitMQ.",
                id="reportsite.W003",
            )
        )
    return found


@register(Tags.security, deploy=True)
def passkey_relying_party(app_configs, **kwargs) -> list[Warning]:
    if settings.PRODUCTION and not _rp_id_matches_a_host(settings.OTP_WEBAUTHN_RP_ID, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"WEBAUTHN_RP_ID is {settings.OTP_WEBAUTHN_RP_ID!r}, which is not the domain of any of "
                "ALLOWED_HOSTS: no browser will make or use a staff passkey for this site.",
                hint="Set WEBAUTHN_RP_ID to the staff site's domain (and WEBAUTHN_ORIGINS to its https:// origin).",
                id="reportsite.W004",
            )
        ]
    return []


def _rp_id_matches_a_host(rp_id: str, hosts: list[str]) -> bool:
    """A passkey's RP ID must be the page's host or a parent domain of it (and never localhost in production)."""
    if not rp_id or rp_id == "localhost":
        return False
    return any(host.lstrip(".") == rp_id or host.lstrip(".").endswith("." + rp_id) for host in hosts)


@register(Tags.security)
def csrf_middleware_installed(app_configs, **kwargs) -> list[Error]:
    """Django's security.W003 knows its CSRF middleware only by name; ours is a subclass (silenced there)."""
    from django.middleware.csrf import CsrfViewMiddleware
    from django.utils.module_loading import import_string

    for name in settings.MIDDLEWARE:
        middleware = import_string(name)
        if isinstance(middleware, type) and issubclass(middleware, CsrfViewMiddleware):
            return []
    return [
        Error(
            "No CSRF middleware is installed: every form would accept requests forged by other sites.",
            hint="Keep reportsite.csrf.NoReferrerCsrfViewMiddleware in MIDDLEWARE.",
            id="reportsite.E001",
        )
    ]
