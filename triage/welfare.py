"""The break reminder: after TRIAGE_BREAK_AFTER of continuous triage, suggest ten minutes off.

A stretch starts at the first triage page seen after a gap of BREAK_GAP or
more (a break, lunch, a meeting) and is kept in the session, so it follows
the analyst across pages and ends with their sign-in.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

BREAK_GAP = timedelta(minutes=10)
SEEN_RESOLUTION = 60  # seconds
_STARTED = "triage_stretch_started"
_SEEN = "triage_stretch_seen"


def stretch_note(request: HttpRequest) -> bool:
    """Note this triage page view; True when a break is due."""
    now = int(time.time())
    session = request.session
    seen = session.get(_SEEN)
    if seen is None or now - int(seen) >= BREAK_GAP.total_seconds():
        session[_STARTED] = now
        session[_SEEN] = now
    elif now - int(seen) >= SEEN_RESOLUTION:
        # To the minute is enough against a ten-minute gap, and spares a session
        # write (three queries) on every page an analyst opens.
        session[_SEEN] = now
    return now - int(session[_STARTED]) >= settings.TRIAGE_BREAK_AFTER.total_seconds()
