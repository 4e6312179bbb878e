"""Two hotlines, two databases, two servers: a record goes from A to B and its fate comes back.

A (GB) confirms a record hosted in NL → forwarded through B's exchange API
(while B is down: retried later, delivered once) → in B's queue as a report
from A → B's analyst and a second senior analyst confirm it → B's notice to
the hosting provider → B's re-checks find it gone → A's record page shows
received, assessed, notice sent, removed, and A's takedown is closed with
its time to removal. On the way: A is down when B reports (retried),
duplicate deliveries change nothing, bad signatures are refused with a clear
error and change nothing.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid

import pytest
import requests

from takedown.notices.webhook import signature
from testsupport.two_hotlines import TwoHotlines

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(600)]

URL = "http://abuse-gallery.example/albums/7?page=2"


@pytest.fixture
def hotlines(tmp_path):
    # The test's own database is not used: each hotline has its own, next to it.
    hotlines = TwoHotlines(os.environ["DATABASE_URL"], tmp_path)
    try:
        hotlines.start()
        hotlines.connect()
        yield hotlines
    finally:
        hotlines.close()


def signed(body: bytes, *, key: str, secret: str, idempotency_key: str | None = None) -> dict:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {key}",
        "Idempotency-Key": idempotency_key or str(uuid.uuid4()),
        "X-Reportsite-Timestamp": timestamp,
        "X-Reportsite-Signature": signature(secret, timestamp, body),
    }


def test_a_record_forwarded_to_the_partner_comes_back_removed_through_faults(hotlines):
    a, b = hotlines.a, hotlines.b

    # A confirms a record hosted in B's country: routed to B, by B's exchange API.
    confirmed = a.step("report_and_confirm", url=URL, country="NL")
    assert confirmed["route"] == "partner" and confirmed["channel"] == "exchange", confirmed
    record = confirmed["record"]
    reference = f"GB-{record:07d}"

    # B is down when A forwards: the batch waits for its retry, nothing is lost.
    b.stop()
    a.step("run")
    waiting = a.step("batches")["batches"]
    assert [(w["channel"], w["state"], w["attempts"]) for w in waiting] == [("exchange", "pending", 1)], waiting
    assert "no answer" in waiting[0]["last_error"], waiting
    b.serve()
    assert b.step("inbound")["inbound"] == []

    # Later, B is back: delivered once.
    a.step("make_due")
    a.step("run")
    sent = a.step("batches")["batches"]
    assert [(w["state"], w["attempts"]) for w in sent] == [("sent", 2)], sent
    seen = b.step("inbound")
    assert len(seen["inbound"]) == 1 and seen["reports"] == 1, seen
    inbound = seen["inbound"][0]
    assert inbound["reference"] == reference
    # Only the address and the metadata a hotline needs: nothing of A's reporter.
    assert "CANARY" not in json.dumps(seen) and inbound["contact_email"] == ""
    assert inbound["metadata"]["hosting"]["country"] == "NL"
    assert inbound["metadata"]["assessment"]["outcome"] == "criminal_a"
    assert inbound["metadata"]["assessment"]["iccam_age_group"] == "pre_pubescent"
    assert "Hotline A (GB)" in inbound["description"] and reference in inbound["description"]
    view = a.step("record_view", record=record)
    assert view["forward"]["status"] == "received" and view["forward"]["partner_reference"].startswith("NL-"), view
    assert view["takedown"]["status"] == "forwarded_partner"

    # A duplicate delivery of the forward (a retry after a lost answer) changes nothing at B.
    item = {"reference": reference, "url": URL, "purpose": "initial"}
    body = json.dumps({"items": [item]}).encode()
    again = requests.post(
        f"{b.url}/api/v1/exchange/forwards/", data=body, headers=signed(body, key=hotlines.keys["B"],
                                                                         secret=hotlines.secret), timeout=10
    )  # fmt: skip
    assert again.status_code == 200 and again.json()["new"] == 0, again.text
    assert b.step("inbound")["reports"] == 1

    # A bad signature is refused with a clear error, and nothing changes.
    body = json.dumps({"items": [{"reference": "GB-9999999", "url": "http://other.example/x"}]}).encode()
    headers = signed(body, key=hotlines.keys["B"], secret="not-the-shared-secret")
    refused = requests.post(f"{b.url}/api/v1/exchange/forwards/", data=body, headers=headers, timeout=10)
    assert refused.status_code == 401 and "signature does not match" in refused.json()["detail"], refused.text
    assert b.step("inbound")["reports"] == 1

    # A is down while B's analysts assess: B's status waits for its retry.
    a.stop()
    assessed = b.step("assess_forwarded", reference=reference, country="NL")
    assert assessed["route"] == "home", assessed
    owed = b.step("inbound")["updates"]
    assert [(u["status"], u["state"]) for u in owed] == [("assessed", "pending")], owed
    assert owed[0]["attempts"] == 1 and owed[0]["last_error"]
    a.serve()
    b.step("make_due")
    b.step("run")  # also sends B's notice to the hosting provider: "notice sent" goes to A
    sent = b.step("inbound")["updates"]
    assert [(u["status"], u["state"]) for u in sent] == [("assessed", "sent"), ("notice_sent", "sent")], sent
    view = a.step("record_view", record=record)
    assert [e["status"] for e in view["events"]] == ["received", "assessed", "notice_sent"], view["events"]
    assert view["forward"]["status"] == "notice_sent"
    assert view["takedown"]["status"] == "forwarded_partner"

    # A bad signature on a status is refused too, and A's record is unchanged.
    update = {"reference": reference, "sequence": 4, "status": "removed", "at": "2026-01-01T00:00:00Z"}
    body = json.dumps({"updates": [update]}).encode()
    headers = signed(body, key=hotlines.keys["A"], secret="not-the-shared-secret")
    refused = requests.post(f"{a.url}/api/v1/exchange/status/", data=body, headers=headers, timeout=10)
    assert refused.status_code == 401 and "signature" in refused.json()["detail"], refused.text
    assert a.step("record_view", record=record)["takedown"]["status"] == "forwarded_partner"

    # B's own re-checks find it gone: "removed" closes A's takedown, timed by B's removal.
    gone = b.step("gone", reference=reference)
    assert gone["status"] == "content_removed", gone
    b.step("run")
    view = a.step("record_view", record=record)
    assert [e["status"] for e in view["events"]] == ["received", "assessed", "notice_sent", "removed"]
    # B's notice went out (and its status with it) before the retry of "assessed" reached A: the late
    # "assessed" is kept in the history but does not overwrite the newer status; its outcome is still news.
    assert [e["applied"] for e in view["events"]] == [True, False, True, True], view["events"]
    assert view["forward"]["outcome"] == "criminal_a"
    assert view["takedown"]["status"] == "content_removed"
    assert view["takedown"]["closed_at"][:19] == gone["closed_at"][:19]
    assert 0 < view["takedown"]["after_notice_s"] <= view["takedown"]["after_report_s"]

    # A duplicate of the "removed" status is recognised and changes nothing.
    update = {"reference": reference, "sequence": 4, "status": "removed", "at": gone["closed_at"]}
    body = json.dumps({"updates": [update]}).encode()
    headers = signed(body, key=hotlines.keys["A"], secret=hotlines.secret)
    repeat = requests.post(f"{a.url}/api/v1/exchange/status/", data=body, headers=headers, timeout=10)
    assert repeat.status_code == 200 and repeat.json()["results"][0]["result"] == "duplicate", repeat.text
    assert len(a.step("record_view", record=record)["events"]) == 4

    # A's record page: every status, in the takedown's company, defanged and with no link to the content.
    page = view["page"]
    assert view["page_status"] == 200
    for text in ("Partner exchange", "Forwarded to Hotline B (NL)", "Received by the partner",
                 "Assessed by the partner", "Category A", "Notice sent by the partner", "Removed (partner)",
                 "Content removed"):  # fmt: skip
        assert text in page, text
    # (the live address is only in the copy field's value, for the analyst's separate viewing environment)
    assert "abuse-gallery[.]example" in page
    assert not re.search(r'(href|src|action)="[^"]*abuse-gallery', page)
