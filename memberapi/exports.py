"""The URL list answer: the cursor, ETag, and the stream in the chosen format.

Order of work, so that If-None-Match costs no read of the list: read the last
position P the beat has handed out (one row; a member's request numbers
nothing, see memberapi.sequencing), build the ETag from the kind of list, the
format, the cursor asked for and P, and only then, if the member's copy is
stale, stream the rows as of P.

On PostgreSQL the database writes the answer (COPY, memberapi.pgcopy): the
same bytes as the Python writers in memberapi.streams, which SQLite uses,
and a test holds the two equal on nasty values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.db import connection
from django.http import HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import parse_etags
from rest_framework.exceptions import ValidationError

from memberapi import pgcopy, selectors, streams
from memberapi.sequencing import list_position
from reportsite.csvsafe import SQL_PARAMS, csv_cell_sql

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
    if connection.vendor == "postgresql":
        body = _copied(hashed=hashed, fmt=fmt, after=after, cursor=position)
    elif after is None:
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


# --- PostgreSQL: the same answers written by the database --------------------------
#
# The database writes every line of the answer, a thousand or so lines at a
# time (string_agg over a range of positions, read with an index), and COPY
# hands each such chunk over whole (memberapi.pgcopy.copy_values): Python
# does nothing per line. Row by row, reading from libpq cost about 2 µs a
# row, more than the database's own work (measured).

STEP = 1024  # positions per chunk

# Cells whose every value is ours, none of which a spreadsheet would run or a
# CSV reader needs quoted: the digest is hex we computed, the category one of
# sequencing.CATEGORIES' codes or UNKNOWN_CATEGORY, the change "added" or
# "removed", the date written below. Only the URL holds text from outside.
_OURS = frozenset({"sha256", "category", "change"})
_WHEN = "to_char(q.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"  # _when's format


def _csv_url(url: str) -> str:
    """The URL's CSV cell as csv_stream writes it: neutralised, then quoted as csv.writer does.

    csv.writer (QUOTE_MINIMAL) quotes a cell with a comma, a quote or a line
    break, doubling its quotes. The apostrophes the neutraliser adds change
    neither, so the quoting test looks at the URL as stored.
    """
    quoted = " OR ".join(f"strpos({url}, {c}) > 0" for c in ("','", "'\"'", "E'\\r'", "E'\\n'"))

    escaped = csv_cell_sql(f"replace({url}, '\"', '\"\"')")
    return f"CASE WHEN {quoted} THEN '\"' || {escaped} || '\"' ELSE {csv_cell_sql(url)} END"


def _copied(*, hashed: bool, fmt: str, after: int | None, cursor: int) -> Iterator[bytes]:
    if after is None:
        rows, params = selectors.listing_at_sql(cursor)
        at_name, head, key = "added_at", {"cursor": str(cursor)}, "entries"
    else:
        rows, params = selectors.changes_between_sql(after, cursor)
        at_name, head, key = "at", {"since": str(after), "cursor": str(cursor)}, "changes"
    cells = (
        ([("change", "q.change")] if after is not None else [])
        + ([] if hashed else [("url", "q.url")])
        + [("sha256", "q.url_sha256"), ("category", "q.category")]
    )
    params = params | {"first": 0 if after is None else after, "last": cursor, **SQL_PARAMS}
    if fmt == "csv":
        line = " || ',' || ".join(expression if name in _OURS else _csv_url(expression) for name, expression in cells)
        line += f" || ',' || {_WHEN} || E'\\r\\n'"
        header = b"".join(streams.csv_stream([name for name, _ in cells] + [at_name], []))
        return _with_header(header, _chunks(rows, line, separator="", params=params))
    if fmt == "text":
        line = "q.url_sha256" if hashed else "q.url"
        if after is not None:
            line = f"CASE q.change WHEN 'added' THEN '+ ' ELSE '- ' END || {line}"
        return _chunks(rows, line + " || E'\\n'", separator="", params=params)
    # JSON, written as json.dumps writes each item (to_json escapes as it does, with ensure_ascii=False).
    members = [f"'\"{name}\": ' || to_json({expression})::text" for name, expression in cells]
    members.append(f"'\"{at_name}\": \"' || {_WHEN} || '\"'")
    line = "'{' || " + " || ', ' || ".join(members) + " || '}'"
    return _json_array(head, key, _chunks(rows, line, separator=",", params=params))


def _chunks(rows: str, line: str, *, separator: str, params: dict) -> Iterator[bytes]:
    """The lines of `rows` (selectors' SQL) as `line` writes each, STEP positions to a chunk, in order.

    The chunks come in the order of generate_series: a nested loop over it,
    each chunk an index range scan, and no sort (an ORDER BY would hold the
    whole answer in the database before its first byte; pgcopy turns off
    parallel plans, the only thing that could mix the chunks up).
    """
    select = (
        f"SELECT c.chunk FROM generate_series(%(first)s::bigint, %(last)s::bigint, {STEP}) AS g(lo),"  # noqa: S608 - our own SQL, values are parameters
        f" LATERAL (SELECT string_agg({line}, %(separator)s ORDER BY q.position) AS chunk"
        f" FROM ({rows}) AS q WHERE q.position > g.lo AND q.position <= g.lo + {STEP}) AS c"
        " WHERE c.chunk IS NOT NULL"
    )
    return pgcopy.copy_values(select, params | {"separator": separator})


def _with_header(header: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    chunks = iter(chunks)
    yield header + next(chunks, b"")  # the first piece already holds rows: the download has begun
    yield from chunks


def _json_array(head: dict, key: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """streams.json_stream's bytes around chunks of comma-separated items."""
    opening = json.dumps(head, ensure_ascii=False)
    start = (opening[:-1] + ", " + json.dumps(key) + ": [").encode()
    before = start  # before the first chunk the opening, after it a comma
    for chunk in chunks:
        yield before + chunk
        before = b","
    yield (start if before is start else b"") + b"]}\n"
