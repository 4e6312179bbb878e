"""A reporter's IP address, User-Agent and Referer never reach a table, a log line or a task message."""

import logging

import pytest
from django.db import connection

from enrichment import pipeline
from reports.tests.helpers import post_form, send_report

CANARY_IP = "198.51.100.77"
CANARY_FORWARDED = "203.0.113.201"
CANARY_AGENT = "CanaryBrowser/9.9 (zq7-canary-agent)"
CANARY_REFERER = "http://referrer-canary.example/came-from"
CANARIES = [CANARY_IP, CANARY_FORWARDED, "zq7-canary-agent", "referrer-canary"]

CANARY_HEADERS = {
    "REMOTE_ADDR": CANARY_IP,
    "HTTP_X_FORWARDED_FOR": CANARY_FORWARDED,
    "HTTP_X_REAL_IP": CANARY_FORWARDED,
    "HTTP_USER_AGENT": CANARY_AGENT,
    "HTTP_REFERER": CANARY_REFERER,
}


def every_stored_value() -> str:
    """Every row of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


@pytest.fixture
def sent_messages(monkeypatch):
    """What would go to the broker: every task call's arguments and options."""
    sent = []
    monkeypatch.setattr(pipeline, "_send", lambda record_id: sent.append(repr(record_id)))
    return sent


@pytest.mark.django_db(transaction=True)
def test_no_table_log_line_or_task_message_holds_the_reporters_identity(
    client, caplog, sent_messages, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_report(client, ["http://example.com/a", "javascript:x"], **CANARY_HEADERS)
        assert response.status_code == 400  # an error page is served and logged too
        response = send_report(client, ["http://example.com/a", "http://example.com/b"], **CANARY_HEADERS)
        assert response.status_code == 200
        client.get("/no-such-page/", **CANARY_HEADERS)
        post_form(client, "/status/", {"reference": "R-AAAA-AAAA", "receipt": "x"}, **CANARY_HEADERS)

    assert len(sent_messages) == 2
    stored, logged, queued = every_stored_value(), caplog.text, "\n".join(sent_messages)
    assert "example.com/a" in stored  # the dump really holds the report
    for canary in CANARIES:
        assert canary not in stored
        assert canary not in logged
        assert canary not in queued


@pytest.mark.django_db
def test_the_rate_limit_cache_holds_no_address(client, settings):
    from django.core.cache import cache

    settings.REPORT_RATE_LIMIT = 5
    send_report(client, **CANARY_HEADERS)
    cached = repr({key: cache.get(key) for key in cache._cache})  # LocMemCache in tests
    cached += repr(list(cache._cache))
    assert CANARY_IP not in cached
