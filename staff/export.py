"""CSV export of the audit trail, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from staff.models import AuditEvent

# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets; a leading apostrophe makes it plain text (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = ["at", "actor", "action", "target_type", "target_id", "summary", "details"]


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _line(row: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(value) for value in row])
    return out.getvalue()


def audit_csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV one line at a time, so a long trail streams instead of filling memory."""
    yield _line(HEADER)
    for event in events:
        yield _line(
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
