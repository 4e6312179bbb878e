"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

One function for every CSV the site writes: the member URL list, notices'
CSV attachments, the audit trail and dashboard exports.

- A cell that starts a formula (= + - @, a tab or CR, also after leading
  spaces or quotes) gets an apostrophe in front, which spreadsheets read as
  "this is text".
- A spreadsheet whose list separator is ";" (German, French, Dutch Excel),
  or one told to split on tab or "|", cuts `a;=HYPERLINK(..)` in two, and
  the second part then starts with "=". Quoting does not stop this: a
  ";"-splitting reader does not see the quotes of a ","-separated file
  where they matter. So wherever a separator (, ; tab | line break) is
  followed, after any spaces or quotes, by a formula character, an
  apostrophe goes in right after the separator, to start what would be
  the next cell.

The apostrophes change the text of such a value. Canonical addresses
rarely hold a separator followed by = + - @; when one does, the URL list's
CSV carries it so changed, and its sha256 column (of the address as it
is), the JSON and the text formats do not (docs/privacy-and-safety.md).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

# White space is spelt out (not \s) so that the SQL twin below matches exactly the same characters.
_STARTS_FORMULA = re.compile(r"[ \t\n\r\f\v\"']*[=+\-@]|[\t\r]")
_SPLIT_THEN_FORMULA = re.compile(r"([,;\t|\r\n])(?=[ \t\n\r\f\v\"']*[=+\-@])")

# The same rule in PostgreSQL's regular expressions, for CSV the database writes
# itself (memberapi.exports, through COPY); memberapi's tests hold the two equal
# on every printable and control character. Give SQL_PARAMS with the query.
SQL_PARAMS = {
    "csv_split": r"""([,;\t|\r\n])(?=[ \t\n\r\f\v"']*[-=+@])""",
    "csv_split_to": "\\1'",
    "csv_starts": r"""^(?=[ \t\n\r\f\v"']*[-=+@]|[\t\r])""",
}


def csv_cell_sql(expression: str) -> str:
    """csv_cell of a text expression, in SQL; the query's parameters must include SQL_PARAMS."""
    split = f"regexp_replace({expression}, %(csv_split)s, %(csv_split_to)s, 'g')"
    return f"regexp_replace({split}, %(csv_starts)s, '''')"


def csv_cell(value: object) -> str:
    """The value as text that no spreadsheet reads as a formula; see the module docstring."""
    text = "" if value is None else str(value)
    text = _SPLIT_THEN_FORMULA.sub(r"\1'", text)
    return "'" + text if _STARTS_FORMULA.match(text) else text


def csv_row(row: Iterable[object]) -> str:
    """One RFC 4180 line ("\\r\\n"-terminated) of csv_cell values."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([csv_cell(value) for value in row])
    return out.getvalue()
