"""Writing the URL list as JSON, CSV or plain text, a chunk at a time.

Each writer takes an iterator of rows and yields bytes in pieces of about
64 KiB, so an answer of any size passes through in constant memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence

from reportsite.csvsafe import csv_cell

PIECE = 64 * 1024


def neutralise(cell: str) -> str:
    """The cell as text no spreadsheet runs as a formula (reportsite.csvsafe, shared by every CSV).

    Canonical URLs, digests, categories and dates never begin with = + - @; a
    URL with a separator followed by one of them inside gets an apostrophe there
    (see reportsite.csvsafe), while its sha256 is of the URL as it is.
    """
    return csv_cell(cell)


def _pieces(parts: Iterable[str]) -> Iterator[bytes]:
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= PIECE:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def json_stream(head: dict, key: str, items: Iterable[dict]) -> Iterator[bytes]:
    """`{...head, "<key>": [item, item, ...]}` written as it is read."""

    def parts() -> Iterator[str]:
        opening = json.dumps(head, ensure_ascii=False)
        yield (opening[:-1] + ", " if head else "{") + json.dumps(key) + ": ["
        first = True
        for item in items:
            yield ("" if first else ",") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "]}\n"

    return _pieces(parts())


def csv_stream(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """RFC 4180 CSV with a header line; every cell neutralised."""

    def parts() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in _with_header(columns, rows):
            writer.writerow([neutralise(cell) for cell in row])
            if buffer.tell() >= PIECE:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return _pieces(parts())


def _with_header(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[Sequence[str]]:
    yield columns
    yield from rows


def text_stream(lines: Iterable[str]) -> Iterator[bytes]:
    """One item per line, LF-terminated. Canonical URLs hold no whitespace (it is escaped)."""
    return _pieces(line + "\n" for line in lines)
