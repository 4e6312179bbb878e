"""CSV cells that a spreadsheet would run as a formula are neutralised."""

import csv
import io

import pytest

from memberapi.streams import csv_stream, neutralise


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"])
def test_a_cell_that_starts_a_formula_becomes_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("a;=cmd()", "a;'=cmd()"),
        ("x,+1", "x,'+1"),
        ("x;@SUM(A1)", "x;'@SUM(A1)"),
        ("a,-2", "a,'-2"),
        ("line\n=1", "line\n'=1"),
        ("a\t+b", "a\t'+b"),
        ("cr\r@x", "cr\r'@x"),
    ],
)
def test_a_formula_after_a_separator_a_spreadsheet_may_split_on_becomes_text(cell, text):
    # The apostrophe goes where a splitting spreadsheet would start the next cell (reportsite.csvsafe).
    assert neutralise(cell) == text


@pytest.mark.parametrize(
    "cell", ["http://example.com/=1", "A", "2026-01-01T00:00:00Z", "", "a=b", "user@example.org", "a;b", "x-y,z"]
)
def test_ordinary_cells_are_left_alone(cell):
    assert neutralise(cell) == cell


def test_the_csv_writer_neutralises_every_cell_and_quotes_what_needs_it():
    out = b"".join(csv_stream(["h"], [["=1+1", 'say "hi", then\nleave'], ["-2", "ok"]])).decode()
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["h"], ["'=1+1", 'say "hi", then\nleave'], ["'-2", "ok"]]
