"""Production logs: one JSON object per line, with fixed fields and nothing about a request."""

import json
import logging

from django.test import RequestFactory

from reportsite.logging import JsonFormatter, ScrubRequestFilter


def _format(record: logging.LogRecord) -> str:
    ScrubRequestFilter().filter(record)
    return JsonFormatter().format(record)


def test_each_entry_is_one_json_object_on_one_line():
    record = logging.LogRecord("dashboard", logging.WARNING, __file__, 1, "two\nlines %s", ("here",), None)
    line = _format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["message"] == "two\nlines here" and entry["level"] == "WARNING"


def test_a_request_attached_to_a_record_never_reaches_the_line():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Reporter/1.0", HTTP_REFERER="https://referrer.example/"
    )
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Bad request", (), None)
    record.request = request
    record.status_code = 400
    line = _format(record)
    assert "203.0.113.9" not in line and "Reporter/1.0" not in line and "referrer.example" not in line
    assert json.loads(line)["message"] == "Bad request"
