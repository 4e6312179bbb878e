"""Recovery codes are kept only as a keyed hash.

The database holds HMAC-SHA256(SECRET_KEY, code), cut to 96 bits and written
as 16 URL-safe base64 characters (django-otp's StaticToken.token holds 16 at
most). A copy of the database alone therefore yields no usable code, and the
codes are not guessable offline without the key either. The person sees the
plain codes once, when they are made.

Rotating SECRET_KEY keeps the codes working while the old key is listed in
SECRET_KEY_FALLBACKS; once it is dropped, the old codes stop working and the
person makes new ones after signing in with their authenticator.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_KEY_SALT = "staff.recovery_code"
DIGEST_LENGTH = 16


def recovery_code_digest(code: str, *, secret: str | None = None) -> str:
    """The stored form of a (normalised) recovery code."""
    mac = salted_hmac(_KEY_SALT, code, secret=secret or settings.SECRET_KEY, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode("ascii")[:DIGEST_LENGTH]


def recovery_code_digests(code: str) -> list[str]:
    """The code's digest under the current key and every fallback key."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [recovery_code_digest(code, secret=secret) for secret in secrets]


def recovery_code_matches(stored: str, code: str) -> bool:
    """Constant time in the stored value; every key is tried, whatever matched first."""
    matched = False
    for digest in recovery_code_digests(code):
        matched |= constant_time_compare(stored, digest)
    return matched
