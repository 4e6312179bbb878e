"""No cell of any CSV export can begin a formula, in a spreadsheet that splits on "," or on ";"
(issue 15, item 7).

Before: a cell starting with = + - @ was neutralised, but one with ";=" or ";@" inside was not, and
a spreadsheet whose list separator is ";" (German, French, Dutch Excel) split it there: the part
after ";" became a cell of its own starting with "=".
"""

import csv
import io
from datetime import UTC, datetime

import pytest

from memberapi.streams import csv_stream
from reportsite.csvsafe import csv_cell, csv_row
from staff.export import audit_csv_lines
from staff.models import AuditEvent
from takedown.notices.render import Line, lines_csv

DANGEROUS = [
    'report;=HYPERLINK("http://evil.example","x")',
    "a;@SUM(1+1)",
    "note; =1+1",
    "x;+cmd|' /C calc'!A0",
    "y;-2+3",
    "tab\t=1+1",
    "pipe|=1+1",
    'quote";=1+1',
    "=1+1",
    " =1+1",
    "@SUM(A1)",
]
FORMULA = ("=", "+", "-", "@")


def _cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _assert_safe(text: str, originals: list[str]) -> None:
    for delimiter in (",", ";", "\t", "|"):
        for cell in _cells(text, delimiter):
            assert not cell.lstrip(" \"'").startswith(FORMULA) or cell.startswith("'"), (delimiter, cell)
    # Read as what it is, comma-separated CSV, every value comes back, with apostrophes added only.
    values = _cells(text, ",")
    for original in originals:
        assert original in values or any(value.replace("'", "") == original.replace("'", "") for value in values)


@pytest.mark.parametrize("cell", DANGEROUS)
def test_the_shared_row_writer_keeps_every_formula_from_starting_a_cell(cell):
    _assert_safe(csv_row(["first", cell, "last"]), [cell])


def test_ordinary_rows_are_written_as_before():
    assert csv_row(["http://example.com/a;b=c", "2026-01-01", "a@b.example"]) == (
        "http://example.com/a;b=c,2026-01-01,a@b.example\r\n"
    )
    assert csv_cell("http://example.com/a") == "http://example.com/a"


def test_the_member_url_list_csv():
    text = b"".join(csv_stream(["url", "note"], [[cell, "x"] for cell in DANGEROUS])).decode()
    _assert_safe(text, DANGEROUS)


def test_the_notices_csv():
    lines = [
        Line("R-1", cell, "0" * 64, "Category A", "2026-01-01T00:00:00Z", "initial", "Initial") for cell in DANGEROUS
    ]
    _assert_safe(lines_csv(lines), DANGEROUS)


def test_the_audit_trail_csv():
    events = [
        AuditEvent(at=datetime(2026, 1, 1, tzinfo=UTC), actor_username="a", action="login", summary=cell)
        for cell in DANGEROUS
    ]
    _assert_safe("".join(audit_csv_lines(events)), DANGEROUS)
