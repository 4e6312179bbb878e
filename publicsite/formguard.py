"""Simple bot traps that need no third-party CAPTCHA.

The form carries a signed token with the time it was served and a one-time
nonce. A submission that fills the hidden honeypot field, or comes faster
than REPORT_MIN_FORM_SECONDS, is a bot: it is shown the ordinary
confirmation page and nothing is stored. A missing, expired or unreadable
token is not treated as a bot, because a person who left the form open for
a day (or a key rotation) would then lose a report without knowing: the form
comes back, as typed, with a fresh token. The nonce also stops a
double-click or a browser's "resend" from making the same report twice.
"""

from __future__ import annotations

import logging
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from publicsite import cachewindow

SALT = "reports.formguard"  # Kept from before the move to publicsite: forms already handed out stay valid.
TOKEN_MAX_AGE = 24 * 3600

logger = logging.getLogger(__name__)


def token_issue(*, now: float | None = None) -> str:
    now = time.time() if now is None else now
    return signing.dumps({"t": int(now), "n": secrets.token_urlsafe(12)}, salt=SALT)


def _read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


PERSON, BOT, STALE = "person", "bot", "stale"


def token_check(*, token: str, honeypot: str, now: float | None = None) -> str:
    """PERSON, BOT (drop quietly) or STALE (show the form again with a fresh token)."""
    now = time.time() if now is None else now
    if honeypot.strip():
        return BOT
    data = _read(token)
    if data is None:
        return STALE
    return BOT if now - data["t"] < settings.REPORT_MIN_FORM_SECONDS else PERSON


def earlier_submission(token: str) -> str | None:
    """The reference already made from this form token, if any (None if the cache cannot tell)."""
    data = _read(token)
    if not data:
        return None
    try:
        return cache.get(f"formguard:used:{data['n']}")
    except Exception:
        # Without the cache a double click may make two reports; refusing would lose one.
        logger.warning("cache unavailable: double submissions are not detected", exc_info=True)
        return None


def mark_submitted(token: str, reference: str, *, now: float | None = None) -> None:
    data = _read(token)
    if not data:
        return
    now = time.time() if now is None else now
    # Kept a day, until an hour's boundary: its expiry must not date the report (see publicsite.cachewindow).
    expire_at = (int(now // 3600) + 1) * 3600 + TOKEN_MAX_AGE
    try:
        cachewindow.value_set(f"formguard:used:{data['n']}", reference, expire_at=expire_at, now=now)
    except Exception:
        # The report is already committed: the reporter must still get its confirmation.
        logger.warning("cache unavailable: form token %s not marked used", data["n"], exc_info=True)
