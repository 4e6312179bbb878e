"""The partner's side: a signed forward becomes one report in our queue;
anything else is refused and changes nothing."""

from __future__ import annotations

import time

import pytest

from exchange.models import InboundForward
from reports.models import Report, UrlRecord
from testsupport.exchange import exchange_partner, post_signed
from testsupport.memberapi import key, member

pytestmark = pytest.mark.django_db
FORWARDS = "/api/v1/exchange/forwards/"
ITEM = {
    "reference": "GB-0000042",
    "purpose": "initial",
    "url": "http://abroad.example/gallery/1",
    "assessment": {"outcome": "criminal_a", "label": "Category A", "age_group": "7-10", "site_type": "image_host"},
    "hosting": {"country": "NL", "network": "EXAMPLE-NET", "addresses": [{"ip": "192.0.2.10", "asn": 64500}]},
}


@pytest.fixture
def their_key(settings):
    settings.NOTICE_REFERENCE_PREFIX = "NL-"
    _partner, api_key = exchange_partner(routes_to="", name="Hotline GB")
    return api_key


def nothing_stored() -> bool:
    return not Report.objects.exists() and not InboundForward.objects.exists() and not UrlRecord.objects.exists()


def test_a_forward_becomes_a_report_from_the_partner_in_our_queue(their_key):
    answer = post_signed(FORWARDS, {"items": [ITEM]}, api_key=their_key)
    assert answer.status_code == 201, answer.content
    inbound = InboundForward.objects.get()
    assert answer.json() == {
        "received": 1,
        "new": 1,
        "items": [{"reference": "GB-0000042", "partner_reference": f"NL-{inbound.record_id:07d}",
                   "status": "received", "sequence": 1, "at": answer.json()["items"][0]["at"]}],
    }  # fmt: skip
    report = inbound.report
    assert report.records.get().url == "http://abroad.example/gallery/1"
    assert "Forwarded by partner hotline Hotline GB, their reference GB-0000042" in report.description
    assert "Category A" in report.description and report.contact_email == ""
    assert inbound.metadata["hosting"]["country"] == "NL"


def test_a_repeated_delivery_is_answered_again_and_changes_nothing(their_key):
    key = "6f1c0f3e-0000-4000-8000-000000000001"
    first = post_signed(FORWARDS, {"items": [ITEM]}, api_key=their_key, idempotency_key=key)
    again = post_signed(FORWARDS, {"items": [ITEM | {"purpose": "repeat"}]}, api_key=their_key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["new"] == 0 and again.json()["items"] == first.json()["items"]
    assert Report.objects.count() == 1 and InboundForward.objects.count() == 1


@pytest.mark.parametrize(
    ("options", "status", "message"),
    [
        ({"secret": "another-secret-entirely-" + "x" * 20}, 401, "signature does not match"),
        ({"timestamp": int(time.time()) - 3600}, 401, "from our clock"),
        ({"idempotency_key": "not-a-uuid"}, 400, "Idempotency-Key"),
    ],
)
def test_a_request_not_signed_as_agreed_is_refused_clearly_and_changes_nothing(their_key, options, status, message):
    answer = post_signed(FORWARDS, {"items": [ITEM]}, api_key=their_key, **options)
    assert answer.status_code == status and message in answer.json()["detail"]
    assert nothing_stored()


def test_a_member_not_set_up_for_the_exchange_is_refused(their_key):
    _api_key, other_key = key(member("Filter company"), scopes=["exchange"])
    answer = post_signed(FORWARDS, {"items": [ITEM]}, api_key=other_key)
    assert answer.status_code == 403 and "not set up for report exchange" in answer.json()["detail"]
    _api_key, reader = key(member("Reader"), scopes=["urllist:read"])
    assert post_signed(FORWARDS, {"items": [ITEM]}, api_key=reader).status_code == 403
    assert nothing_stored()


def test_one_refused_address_refuses_the_whole_delivery(their_key):
    bad = ITEM | {"reference": "GB-0000043", "url": "data:image/png;base64,AAAA"}
    answer = post_signed(FORWARDS, {"items": [ITEM, bad]}, api_key=their_key)
    assert answer.status_code == 400
    assert [e["index"] for e in answer.json()["item_errors"]] == [1]
    assert nothing_stored()
