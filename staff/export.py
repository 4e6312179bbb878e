"""CSV export of the audit trail, safe to open in a spreadsheet."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from reportsite.csvsafe import csv_row
from staff.models import AuditEvent

HEADER = ["at", "actor", "action", "target_type", "target_id", "summary", "details"]


def audit_csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV one line at a time, so a long trail streams instead of filling memory."""
    yield csv_row(HEADER)
    for event in events:
        yield csv_row(
            [
                event.at.isoformat(),
                event.actor_username,
                event.action,
                event.target_type,
                event.target_id,
                event.summary,
                json.dumps(event.details, sort_keys=True) if event.details else "",
            ]
        )
