"""Error pages say what went wrong for a person, never what runs the site or where it failed."""

import re

import pytest

pytestmark = pytest.mark.security

TELLTALES = re.compile(
    r"Traceback|File \"|line \d+|site-packages|\.py\b|Django|Python|gunicorn|nginx|Werkzeug|psycopg|"
    r"RuntimeError|DisallowedHost|probe:|SECRET|DEBUG|Request Method|Exception|\b\d+\.\d+\.\d+\b",
)


def test_no_error_page_reveals_versions_software_or_a_stack(production_answers):
    leaks = []
    for entry in production_answers["results"]:
        body = entry.get("body")
        if body is None or entry["status"] < 400:
            continue
        for match in TELLTALES.finditer(body):
            leaks.append(f"{entry['label']} ({entry['status']}): {match.group()!r}")
        server = entry["headers"].get("server", "") + entry["headers"].get("x-powered-by", "")
        if server:
            leaks.append(f"{entry['label']}: server header {server!r}")
    assert not leaks, "\n".join(leaks)


def test_the_failing_view_was_answered_by_the_generic_500_page(production_answers):
    (entry,) = [e for e in production_answers["results"] if e["label"] == "500 public"]
    assert "Something went wrong" in entry["body"]
    assert "probe:" not in entry["body"]
