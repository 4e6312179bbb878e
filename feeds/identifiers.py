"""Stable identifiers and timestamps shared by the feeds.

An indicator (TAXII) and an attribute (MISP) stand for one *stay* of an
address on the list (one `Listing` row): relisted later, it is a new object,
because STIX forbids a revoked object from coming back. Their UUIDs are
derived from the row, so every answer names the same stay the same way.
A MISP event holds one UTC day's listings and its UUID carries the day
(version 8, RFC 9562), so an event file is found without a table.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, date, datetime

# Fixed for good: changing it would give every published object a new id.
NAMESPACE = uuid.UUID("5b2f6f0e-2f7d-4c1a-9a57-3f0d6c1e8b42")
COLLECTION_ID = "6d1f5c3a-94b2-4e8f-a0c7-2b9e4d7a1f30"
_EVENT_PREFIX = "a7f3c2d1-6e4b-8c59-9d20-0000"
_EVENT = re.compile(re.escape(_EVENT_PREFIX) + r"([0-9]{8})")


def listing_uuid(listing_id: int) -> str:
    """Derived from the row, in the form of a version 4 UUID: STIX 2.1 wants v4 for indicators."""
    digest = hashlib.sha256(NAMESPACE.bytes + f"listing:{listing_id}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def organisation_uuid(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organisation:{name}"))


def event_uuid(day: date) -> str:
    return _EVENT_PREFIX + day.strftime("%Y%m%d")


def event_day(value: str) -> date | None:
    """The day an event UUID stands for; None for any other string."""
    found = _EVENT.fullmatch(value)
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def stix_time(at: datetime) -> str:
    """RFC 3339 in UTC to the microsecond: two versions of one object are at least 1 µs apart."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_TIMESTAMP = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?(Z|[+-]00:00)")


def stix_time_parse(value: str) -> datetime | None:
    """A client's timestamp (e.g. added_after); None if it is not one.

    Digits below the microsecond are dropped: our dates are whole
    microseconds, so "after t" and "after t truncated" select the same rows.
    """
    found = _TIMESTAMP.fullmatch(value.strip())
    if found is None:
        return None
    whole, fraction, _zone = found.groups()
    try:
        at = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return at.replace(microsecond=int((fraction or "0")[:6].ljust(6, "0")))
