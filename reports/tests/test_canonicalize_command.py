"""`manage.py canonicalize`: the canonical form of addresses, for staff and scripts."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PROJECT = Path(__file__).resolve().parents[2]


def run(*urls: str, stdin: str | None = None) -> tuple[list[str], int]:
    """Call the command in-process; return its output lines and exit status."""
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    try:
        call_command("canonicalize", *urls, **options)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return out.getvalue().splitlines(), status


def test_it_prints_one_canonical_address_per_argument() -> None:
    lines, status = run("HTTP://Example.COM:80/a/./b#top", "www.example.org", "https://user:pw@example.net:8443")
    assert lines == ["http://example.com/a/b", "http://www.example.org/", "https://example.net:8443/"]
    assert status == 0


def test_it_prints_an_error_line_in_place_of_a_refused_address_and_exits_with_1() -> None:
    lines, status = run("example.com", "javascript:alert(1)", "example.org")
    assert lines[0] == "http://example.com/"
    assert lines[1].startswith("error: Only web addresses starting with http:// or https://")
    assert lines[2] == "http://example.org/"
    assert status == 1


def test_it_refuses_data_uris() -> None:
    lines, status = run("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg")
    assert lines == [
        "error: This is a data: address: it holds a picture or file itself, not where it is. "
        "Please don't send pictures; send the address of the web page instead."
    ]
    assert status == 1


def test_it_reads_one_address_per_line_from_stdin_when_given_none() -> None:
    lines, status = run(stdin="example.com/a\r\nhttp://[2001:DB8::1]:8080/x\n")
    assert lines == ["http://example.com/a", "http://[2001:db8::1]:8080/x"]
    assert status == 0


def test_it_keeps_stdin_lines_aligned_by_refusing_a_blank_one() -> None:
    lines, status = run(stdin="example.com\n\nexample.org\n")
    assert lines == ["http://example.com/", "error: Enter a web address.", "http://example.org/"]
    assert status == 1


def test_it_prints_nothing_and_succeeds_on_empty_stdin() -> None:
    assert run(stdin="") == ([], 0)


@pytest.mark.parametrize(
    ("urls", "status"),
    [(["example.com"], 0), (["example.com", "ftp://example.com/"], 1)],
    ids=["all accepted", "one refused"],
)
def test_manage_py_exits_with_0_only_when_every_address_is_accepted(urls: list[str], status: int) -> None:
    done = subprocess.run(  # the real exit status, as a shell script would see it
        [sys.executable, "manage.py", "canonicalize", *urls],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == status
    assert len(done.stdout.splitlines()) == len(urls)
