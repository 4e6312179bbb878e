"""API key material: `rsk_<prefix>_<secret>`.

The secret is 32 random bytes (256 bits) from `secrets`. Only SHA-256 of the
whole key is stored. A slow password hash protects guessable secrets; a
256-bit random one cannot be guessed from its hash, so a fast hash is
enough, lets every request be checked with one index probe, and keeps keys
valid when SECRET_KEY is rotated (a keyed hash would not). The prefix is
random too and stored in clear, so the admin and the audit trail can name a
key without holding anything that opens it.
"""

from __future__ import annotations

import hashlib
import re
import secrets

PREFIX_LENGTH = 8
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: prefixes are read aloud on support calls
_KEY = re.compile(r"rsk_([a-z2-9]{8})_([A-Za-z0-9_-]{43})")


def key_generate() -> tuple[str, str]:
    """A new (prefix, key) pair; the key is what the member sends."""
    prefix = "".join(secrets.choice(_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"rsk_{prefix}_{secrets.token_urlsafe(32)}"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_well_formed(key: str) -> bool:
    return _KEY.fullmatch(key) is not None
