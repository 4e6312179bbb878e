"""Staff session bookkeeping: when it began, when it was last used, ending it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# Survives the flush, so the login page can say why the session ended.
ENDED = "staff_session_ended"


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
