"""`manage.py checkurl URL --save` stores the check on the record for the URL's canonical form, and creates none."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from enrichment.models import LivenessCheck
from reports.models import UrlRecord
from testsupport.enrichment import jpeg_reply_headers, make_record
from testsupport.loopback import Reply

pytestmark = pytest.mark.django_db


def save(url):
    out, err = io.StringIO(), io.StringIO()
    call_command("checkurl", url, "--save", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_it_stores_the_check_on_the_record_of_the_canonical_address(serve):
    server = serve(lambda request: Reply(200, jpeg_reply_headers()))
    record = make_record(server.url("/a.jpg"))
    as_typed = server.url("/a.jpg#top").replace("http://", "HTTP://")  # same canonical form

    printed, note = save(as_typed)

    check = record.liveness_checks.get()
    assert (check.outcome, check.status_code, check.content_type) == ("ok", 200, "image/jpeg")
    assert printed["url"] == record.url and printed["status"] == 200
    assert f"record {record.pk}" in note
    record.refresh_from_db()
    assert record.online is True and record.last_checked_at == check.checked_at


def test_it_refuses_an_address_nobody_reported_and_creates_no_record(serve):
    server = serve(lambda request: Reply(200, jpeg_reply_headers()))

    with pytest.raises(CommandError, match="no address record for"):
        save(server.url("/never-reported.jpg"))

    assert not UrlRecord.objects.exists()
    assert not LivenessCheck.objects.exists()
    assert server.requests == []


def test_it_refuses_an_address_that_is_not_valid():
    with pytest.raises(CommandError, match="not a valid address"):
        save("data:image/jpeg;base64,/9j/4AAQ")


def test_without_save_nothing_is_stored(serve):
    server = serve(lambda request: Reply(200, jpeg_reply_headers()))
    make_record(server.url("/a.jpg"))

    call_command("checkurl", server.url("/a.jpg"), stdout=io.StringIO())

    assert not LivenessCheck.objects.exists()


def test_a_missing_record_exits_non_zero_from_the_command_line(serve, capfd):
    from django.core.management import execute_from_command_line

    server = serve(lambda request: Reply(200, jpeg_reply_headers()))
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "checkurl", server.url("/nobody.jpg"), "--save"])

    assert exit_info.value.code != 0
    assert "no address record for" in capfd.readouterr().err
