"""The MISP feed: manifest.json, hashes.csv and one event file per UTC day of listing.

Follows the layout MISP's own feed generator writes (PyMISP's
MISPEvent.to_feed and .manifest): an event per day holds a `url`
attribute per stay listed that day; a stay that ended is kept with
`"deleted": true` and a newer timestamp, so a MISP instance that pulls the
feed again removes it. hashes.csv lists the MD5 of each URL on the list now,
with its event, for MISP's feed cache and correlation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime

from django.conf import settings

from feeds.identifiers import event_uuid, listing_uuid, organisation_uuid
from feeds.selectors import Day, Stay
from feeds.stix import CATEGORY_NAMES

# As PyMISP's feed export writes a tag (MISPTag._to_feed).
TAGS = [{"name": "tlp:amber", "colour": "#FFC000", "local": False, "relationship_type": ""}]


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def _organisation() -> dict:
    name = settings.HOTLINE_NAME
    return {"name": name, "uuid": organisation_uuid(name)}


def _info(day: date) -> str:
    return f"{settings.HOTLINE_NAME} URL list: addresses listed on {day.isoformat()}"


def _event_head(day: date, changed: int) -> dict:
    return {
        "info": _info(day),
        "date": day.isoformat(),
        "analysis": 2,  # completed
        "threat_level_id": 1,  # high
        "timestamp": changed,
        "Orgc": _organisation(),
        "Tag": TAGS,
    }


def _day_epoch(day: Day) -> int:
    """The event's timestamp from the day's aggregates: the largest _attribute_epoch of its stays."""
    found = _epoch(day.listed_last)
    if day.removed_last is not None:
        found = max(found, _epoch(day.removed_last), _epoch(day.removed_listed_last) + 1)
    return found


def manifest(days: list[Day]) -> dict:
    return {event_uuid(d.day): _event_head(d.day, _day_epoch(d)) for d in days}


def _attribute_epoch(stay: Stay) -> int:
    """MISP timestamps are whole seconds and MISP updates an attribute only for a newer one:
    a removal in the same second as its listing is stamped a second later."""
    listed = _epoch(stay.listed_added_at)
    if stay.removed_added_at is None:
        return listed
    return max(_epoch(stay.removed_added_at), listed + 1)


def event(day: date, stays: list[Stay]) -> dict:
    changed = max(_attribute_epoch(s) for s in stays)
    attributes = [
        {
            "uuid": listing_uuid(stay.listing_id),
            "type": "url",
            "category": "Network activity",
            "value": stay.url,
            "to_ids": stay.removed_added_at is None,
            "deleted": stay.removed_added_at is not None,
            "disable_correlation": False,
            "comment": CATEGORY_NAMES.get(stay.category, "Confirmed criminal"),
            "timestamp": _attribute_epoch(stay),
        }
        for stay in stays
    ]
    head = _event_head(day, changed)
    return {
        "Event": {
            "uuid": event_uuid(day),
            "published": True,
            "publish_timestamp": head["timestamp"],
            **head,
            "Attribute": attributes,
        }
    }


def hashes(rows: Iterator[tuple[str, datetime]]) -> Iterator[str]:
    events: dict[date, str] = {}  # a day's UUID, made once: about a thousand rows share it
    for url, added in rows:
        digest = hashlib.md5(url.encode("utf-8"), usedforsecurity=False).hexdigest()
        day = added.astimezone(UTC).date()
        event = events.get(day) or events.setdefault(day, event_uuid(day))
        yield f"{digest},{event}\n"
