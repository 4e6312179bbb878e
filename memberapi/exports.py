"""The URL list answer: sequencing, the cursor, ETag, and the stream in the chosen format.

Order of work, so that If-None-Match costs no read of the list: number any
newly committed changes (nothing to do in the common case), read the last
position P (one row), build the ETag from the kind of list, the format, the
cursor asked for and P, and only then, if the member's copy is stale, stream
the rows as of P.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from django.http import HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import parse_etags
from rest_framework.exceptions import ValidationError

from memberapi import selectors, streams
from memberapi.sequencing import changes_sequence, list_position

_CURSOR = re.compile(r"0|[1-9][0-9]{0,17}")
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "text": "text/plain; charset=utf-8"}


def cursor_parse(raw: str | None, *, upto: int) -> int | None:
    """The position a member's `since` names; 400 if it is not one this server gave out."""
    if raw is None:
        return None
    if not _CURSOR.fullmatch(raw) or int(raw) > upto:
        raise ValidationError({"since": ["Not a cursor from this list; start again from a full download."]})
    return int(raw)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _when(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def urllist_response(*, if_none_match: str | None, hashed: bool, fmt: str, since: str | None):
    changes_sequence()
    position = list_position()
    after = cursor_parse(since, upto=position)
    kind = "hashed" if hashed else "list"
    etag = f'"{kind}-{fmt}-{"all" if after is None else after}-{position}"'
    headers = {"ETag": etag, "X-Cursor": str(position)}
    if _etag_matches(if_none_match, etag):
        response = HttpResponseNotModified()
        for name, value in headers.items():
            response[name] = value
        return response
    if after is None:
        body = _full(selectors.listing_at(position), hashed=hashed, fmt=fmt, cursor=position)
    else:
        body = _changes(
            selectors.changes_between(after, position), hashed=hashed, fmt=fmt, after=after, cursor=position
        )
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    for name, value in headers.items():
        response[name] = value
    return response


def _full(entries: Iterator[selectors.Entry], *, hashed: bool, fmt: str, cursor: int) -> Iterator[bytes]:
    if fmt == "text":
        return streams.text_stream(e.sha256 if hashed else e.url for e in entries)
    if fmt == "csv":
        columns = ["sha256", "category", "added_at"] if hashed else ["url", "sha256", "category", "added_at"]
        rows = (([] if hashed else [e.url]) + [e.sha256, e.category, _when(e.at)] for e in entries)
        return streams.csv_stream(columns, rows)
    items = (
        ({} if hashed else {"url": e.url}) | {"sha256": e.sha256, "category": e.category, "added_at": _when(e.at)}
        for e in entries
    )
    return streams.json_stream({"cursor": str(cursor)}, "entries", items)


def _changes(changes: Iterator[selectors.Entry], *, hashed: bool, fmt: str, after: int, cursor: int) -> Iterator[bytes]:
    if fmt == "text":
        sign = {"added": "+", "removed": "-"}
        return streams.text_stream(f"{sign[c.change]} {c.sha256 if hashed else c.url}" for c in changes)
    if fmt == "csv":
        columns = ["change", "sha256", "category", "at"] if hashed else ["change", "url", "sha256", "category", "at"]
        rows = ([c.change] + ([] if hashed else [c.url]) + [c.sha256, c.category, _when(c.at)] for c in changes)
        return streams.csv_stream(columns, rows)
    items = (
        {"change": c.change}
        | ({} if hashed else {"url": c.url})
        | {"sha256": c.sha256, "category": c.category, "at": _when(c.at)}
        for c in changes
    )
    return streams.json_stream({"since": str(after), "cursor": str(cursor)}, "changes", items)
