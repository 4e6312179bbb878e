"""A reporter's IP address, User-Agent and Referer never reach a table, a log line or a task message."""

import logging

import pytest

from enrichment import pipeline
from testsupport.privacy import CANARIES, CANARY_HEADERS, CANARY_IP, every_stored_value
from testsupport.reports import post_form, send_report


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
