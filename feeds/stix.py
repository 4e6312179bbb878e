"""STIX 2.1 indicators for the URL list: one per stay on the list, revoked when it ends.

The pattern quotes the canonical URL as a STIX string literal: a backslash
and a single quote are escaped with a backslash, nothing else is special.
The canonical form percent-encodes spaces and control characters, but the
escaping does not rely on that.
"""

from __future__ import annotations

from feeds.identifiers import listing_uuid, stix_time
from feeds.selectors import Version

MEDIA_TYPE = "application/stix+json;version=2.1"
# The predefined TLP:AMBER marking (STIX 2.1, section 7.2.1.4): for members, not for the public.
TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
CATEGORY_NAMES = {
    "A": "Category A",
    "B": "Category B",
    "C": "Category C",
    "non_photographic": "Prohibited non-photographic",
    "unknown": "Confirmed criminal",
}


def pattern_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def url_pattern(url: str) -> str:
    return f"[url:value = {pattern_literal(url)}]"


def indicator_id(listing_id: int) -> str:
    return f"indicator--{listing_uuid(listing_id)}"


def indicator(version: Version) -> dict:
    created = stix_time(version.created)
    found = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_id(version.listing_id),
        "created": created,
        "modified": stix_time(version.added),
        "name": f"URL list entry ({CATEGORY_NAMES.get(version.category, 'Confirmed criminal')})",
        "description": "Confirmed child sexual abuse material at this address: block it.",
        "indicator_types": ["malicious-activity"],
        "pattern": url_pattern(version.url),
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": stix_time(version.listed_at),
        "labels": [f"category-{version.category}"],
        "object_marking_refs": [TLP_AMBER],
    }
    if version.revoked:
        # Gone: the same object again, newer and revoked (STIX 2.1, 3.6.1).
        found["revoked"] = True
    return found
