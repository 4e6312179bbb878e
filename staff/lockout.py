"""Lockouts that nobody can use to lock others out cheaply (issue 15, item 4).

Two brakes, both counted from django-axes' failure records (AccessAttempt):

1. Per name and address (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]):
   LOGIN_FAILURE_LIMIT failures for one name from one address pause that name
   at that address for LOGIN_LOCKOUT_MINUTES. Made-up names from the office
   address pause only those names; the real people there sign in as usual.

2. Per account, from every address (this module): LOGIN_ACCOUNT_FAILURE_LIMIT
   failures within the last LOGIN_ACCOUNT_BRAKE_MINUTES pause the account
   everywhere until enough of them are older than that. It caps how fast a
   password can be guessed from many addresses at once. Each address counts
   for at most LOGIN_FAILURE_LIMIT failures (what its own pair lock lets
   through), so with the account limit above the pair limit one address can
   never set this brake off, however often it tries. Attempts refused while
   paused are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT =
   False): they check no password, so they prolong nothing.

The trade-off (docs/staff-security.md): someone with LOGIN_ACCOUNT_FAILURE_LIMIT
/ LOGIN_FAILURE_LIMIT addresses (and as many again to keep it up, since each
address is then paused itself) can keep one named account paused for as long
as they keep going. Without the brake they could guess that many times faster
instead. The second factor is what actually stops a guessed password, so the
limit can be set high; the brake is short and every pause is on the trail.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

# Set on the request when the account brake (not the pair lock) refused it.
ACCOUNT_BRAKE = "staff_account_brake"


def account_brake_window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_ACCOUNT_BRAKE_MINUTES)


def account_failures(*, username: str | None, per_address_cap: int, now=None) -> int:
    """Recent failures on one account from every address, each address counted at most `per_address_cap` times."""
    if not username:
        return 0
    since = (now or timezone.now()) - account_brake_window()
    per_address = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .values_list("failures", flat=True)
    )
    return sum(min(failures or 0, per_address_cap) for failures in per_address)


class StaffLockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-account brake (AXES_HANDLER)."""

    def _account_braked(self, request, credentials) -> bool:
        limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        if not limit:
            return False
        username = get_client_username(request, credentials)
        cap = get_failure_limit(request, credentials)
        braked = account_failures(username=username, per_address_cap=cap, now=request.axes_attempt_time) >= limit
        if braked:
            setattr(request, ACCOUNT_BRAKE, True)
        return braked

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._account_braked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = bool(request is not None and getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or request.axes_locked_out:
            return
        # This failure may be the one that sets the account brake off: say so
        # now (the page and the trail), not only at the next attempt.
        if self._account_braked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def lockout_pause(request) -> timedelta:
    """How long the page says to wait: the account brake's window, or the pair's cool-off."""
    return account_brake_window() if getattr(request, ACCOUNT_BRAKE, False) else settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the calm page, naming the right wait."""
    from axes.helpers import get_client_username
    from django.shortcuts import render

    context = {
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": lockout_pause(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
