"""References and receipts handed to reporters.

The reference (R-4K7Q-M2XD) names a report; the receipt proves the holder
sent it. The receipt is shown once and stored only as a hash, so a copy of the
database does not let anyone read a reporter's status. Both use Crockford's
base32 alphabet: no I, L, O or U to misread or mistype.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_GROUPS = 5  # 5 groups of 4 = 20 characters = 100 bits from `secrets`


def _random_chars(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def new_reference() -> str:
    return f"R-{_random_chars(4)}-{_random_chars(4)}"


def new_receipt() -> str:
    return "-".join(_random_chars(4) for _ in range(RECEIPT_GROUPS))


def normalise(code: str) -> str:
    """Forgive what people do when copying a code: case, spaces, O for 0, I/L for 1."""
    cleaned = "".join(code.split()).upper().replace("O", "0").replace("I", "1").replace("L", "1")
    return cleaned.replace("-", "")


def receipt_hash(reference: str, receipt: str) -> str:
    # 100 random bits need no slow hash; binding the reference in makes each
    # stored hash useful for one report only.
    material = f"{normalise(reference)}:{normalise(receipt)}".encode()
    return hashlib.sha256(material).hexdigest()


def receipt_matches(stored_hash: str, reference: str, receipt: str) -> bool:
    return hmac.compare_digest(stored_hash, receipt_hash(reference, receipt))


def format_reference(code: str) -> str:
    """Turn what a reporter typed into the stored R-XXXX-XXXX form, as well as it can."""
    cleaned = normalise(code)
    if cleaned.startswith("R"):
        cleaned = cleaned[1:]
    return f"R-{cleaned[:4]}-{cleaned[4:]}"
