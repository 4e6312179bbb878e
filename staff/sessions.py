"""Staff session bookkeeping: when it began, when it was last used, ending it."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# Survives the flush, so the login page can say why the session ended.
ENDED = "staff_session_ended"
# Set on the request by whoever logs a user out, to say why in the trail (staff.receivers).
LOGOUT_REASON = "staff_logout_reason"


def sessions_end_for_user(user) -> int:
    """Delete every stored session of this user; returns how many.

    Works with the database session engine (the default here); other engines
    rely on Django refusing inactive users on each request.
    """
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    ended = 0
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            session.delete()
            ended += 1
    return ended


# --- Between the password and the second factor ---------------------------------
# The password step does not log the user in: it keeps who they are here, and
# Django's login() (session key rotated, last_login set, user_logged_in sent)
# runs only once the second factor passes. Until then request.user is anonymous.
PENDING = "staff_pending_sign_in"


def pending_record(user, backend: str) -> dict:
    return {
        "user": str(user.pk),
        "backend": backend,
        # A password change (or any change to the hash) meanwhile voids it.
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
    }


def pending_start(request, user) -> None:
    """After the right password: a new session key, and the user kept as pending."""
    request.session.cycle_key()
    request.session[PENDING] = pending_record(user, user.backend)


def pending_clear(request) -> None:
    request.session.pop(PENDING, None)


def pending_user(request):
    """The user who passed the password step in this session, or None.

    None, and the record dropped, once it is older than STAFF_IDLE_TIMEOUT, or
    the account is gone, inactive or has had its password changed.
    """
    session = getattr(request, "session", None)
    record = session.get(PENDING) if session is not None else None
    if not isinstance(record, dict):
        return None
    try:
        age = time.time() - int(record["at"])
        user = get_user_model()._default_manager.filter(pk=record["user"]).first()
        backend = str(record["backend"])
        stored_hash = str(record["hash"])
    except (KeyError, TypeError, ValueError):
        user = None
        age = 0
    if (
        user is None
        or age > settings.STAFF_IDLE_TIMEOUT.total_seconds()
        or not user.is_active
        or backend not in settings.AUTHENTICATION_BACKENDS
        or not constant_time_compare(stored_hash, user.get_session_auth_hash())
    ):
        pending_clear(request)
        return None
    user.backend = backend
    return user
