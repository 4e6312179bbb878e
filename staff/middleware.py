"""Staff session limits: 30 minutes idle, 12 hours in all (STAFF_IDLE_TIMEOUT, STAFF_MAX_SESSION).

A staff screen left open in a shared office must not stay signed in, and
nobody stays signed in across a whole day and night however busy they are.
The timestamps live in the session (set at login by staff.receivers); an
expired session is logged out on the server before the view runs, so the
view sees an anonymous user and the access layer sends them to the login page.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from staff.sessions import ENDED, LOGIN_AT, LOGOUT_REASON, SEEN_AT


def _expiry_reason(session, now: int) -> str:
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session without our timestamps cannot be judged: end it.
        return "unknown"
    if now - int(login_at) > settings.STAFF_MAX_SESSION.total_seconds():
        return "maximum"
    if now - int(seen_at) > settings.STAFF_IDLE_TIMEOUT.total_seconds():
        return "idle"
    return ""


_SUMMARIES = {
    "idle": "Session ended: idle too long",
    "maximum": "Session ended: maximum length reached",
    "unknown": "Session ended: no start time",
}


SEEN_RESOLUTION = 60  # seconds


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            reason = _expiry_reason(request.session, now)
            if reason:
                setattr(request, LOGOUT_REASON, _SUMMARIES[reason])
                logout(request)
                request.session[ENDED] = reason
            elif now - int(request.session.get(SEEN_AT) or 0) >= SEEN_RESOLUTION:
                # Once a minute is enough against a 30-minute idle limit (it can only end a
                # session earlier, never later) and spares a session write (three queries)
                # on nearly every staff page.
                request.session[SEEN_AT] = now
        return self.get_response(request)
