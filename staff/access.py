"""The one access layer every staff route goes through.

    from staff.access import staff_view

    @staff_view("triage.assess_record")
    def record(request, pk): ...

A staff view needs, in this order: a logged-in, active account (else the
login page, coming back here afterwards); a passed second factor (else the
verify page, which sends someone with no factor yet on: to the enrolment
page if they came through a one-time link, else to ask for one; someone
who has only passed the password step is not logged in yet, see
staff.sessions.PENDING, and is sent there too); and the
permission, if one is named (else a 403 page). Every answer, refusals
included, is marked never cacheable.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for lockouts (AXES_CLIENT_IP_CALLABLE), read as the rate limit reads it."""
    return request.META.get(settings.CLIENT_IP_META_KEY) or None


def is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_active and user.is_verified())


def _to(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def staff_refusal(request: HttpRequest, permission: str | None = None) -> HttpResponse:
    """The answer for a verified person without the permission."""
    return render(request, "staff/403.html", {"permission": permission}, status=403)


def staff_gate(request: HttpRequest, permission: str | None = None) -> HttpResponse | None:
    """None when the request may go on; otherwise the redirect or refusal to send."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        from staff.sessions import pending_user

        # Past the password but not yet the second factor: that is where to go on.
        pending = pending_user(request) if not user.is_authenticated else None
        if pending is not None:
            # Someone with no factor yet is pending only while enrolling through
            # a one-time link (staff.enrolment); the verify page sends them on.
            return _to("staff:verify", request)
        return _to("staff:login", request)
    if not user.is_verified():
        # With no factor, the verify page says to ask a manager for an enrolment link.
        return _to("staff:verify", request)
    _permissions_load(user)
    if permission and not user.has_perm(permission):
        return staff_refusal(request, permission)
    return None


def _permissions_load(user) -> None:
    """Fill ModelBackend's two permission caches from one query instead of two.

    The same two sets ModelBackend would read (the user's own permissions and
    those of their groups), told apart by a constant column of a UNION ALL;
    has_perm and the templates' `perms` then read them. Superusers are left to
    ModelBackend (every permission), and so is a user already loaded.
    """
    if user.is_superuser or hasattr(user, "_user_perm_cache") or hasattr(user, "_group_perm_cache"):
        return
    from django.contrib.auth.models import Permission
    from django.db.models import Value

    def rows(**where):
        return (
            Permission.objects.filter(**where)
            .annotate(own=Value("group" not in next(iter(where))))
            .values_list("content_type__app_label", "codename", "own")
            .order_by()
        )

    found = list(rows(user=user).union(rows(group__user=user), all=True))
    user._user_perm_cache = {f"{app}.{code}" for app, code, own in found if own}
    user._group_perm_cache = {f"{app}.{code}" for app, code, own in found if not own}


def staff_view(permission: str | None = None) -> Callable:
    """Decorator for staff views; see the module docstring."""
    if callable(permission):
        raise TypeError("use @staff_view() or @staff_view('app.codename'), not bare @staff_view")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = staff_gate(request, permission) or view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        wrapper.staff_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator
