"""Writing the URL list as JSON, CSV or plain text, a chunk at a time.

Each writer takes an iterator of rows and yields bytes in pieces of about
64 KiB, so an answer of any size passes through in constant memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence

PIECE = 64 * 1024

# The one rule for CSV injection, kept in Python here and in SQL
# (neutralise_sql, for the PostgreSQL export), with a test holding the two
# equal on nasty values: a cell is made plain text when a formula character
# (= + - @ TAB CR) starts it, or follows a character a spreadsheet may split
# the cell on (, ; TAB CR LF: a separator in another locale, a line break),
# where a cell of its own would start.
FORMULA_CHARACTERS = "=+-@\t\r"
SEPARATORS = ",;\t\r\n"
_FORMULA = re.compile(f"(?:^|[{re.escape(SEPARATORS)}])[{re.escape(FORMULA_CHARACTERS)}]")


def neutralise(cell: str) -> str:
    """OWASP's advice for CSV injection: a leading apostrophe makes the cell plain text.

    Canonical URLs, digests, categories and dates never begin with these; the
    rule is there so no future column can turn the list into a formula.
    """
    return "'" + cell if _FORMULA.search(cell) else cell


def _bracket(characters: str) -> str:
    # A POSIX bracket expression; "-" goes last, where it is a plain character.
    assert not set(characters) & set("]^\\"), characters
    return "[" + "".join(sorted(characters, key=lambda c: c == "-")) + "]"


# The same rule as a PostgreSQL regular expression, passed as a parameter.
FORMULA_SQL_PATTERN = f"(^|{_bracket(SEPARATORS)}){_bracket(FORMULA_CHARACTERS)}"


def neutralise_sql(expression: str) -> str:
    """`neutralise` in SQL, for a text expression; give FORMULA_SQL_PATTERN as the parameter %(formula)s."""
    return f"CASE WHEN {expression} ~ %(formula)s THEN '''' || {expression} ELSE {expression} END"


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
