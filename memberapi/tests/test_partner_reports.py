"""POST /api/v1/reports/: the public form's rules for machines, up to 500 addresses, idempotent per reference."""

import pytest
from django.db import connection

from enrichment import pipeline
from memberapi.models import PartnerReport
from reports.addresses import DATA_URI, url_sha256
from reports.models import Report, UrlRecord
from reports.services import AddressInput, report_submit
from testsupport.memberapi import ApiClient, key, member
from testsupport.privacy import CANARIES, CANARY_HEADERS, every_stored_value

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/reports/"


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(pipeline, "_send", sent.append)
    return sent


def send(api, reference="P-1", addresses=("http://example.com/a",), **fields):
    return api.post_json(REPORTS, {"reference": reference, "addresses": list(addresses), **fields})


def test_a_report_is_stored_canonicalised_and_queued_after_the_commit(api, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(api, addresses=["HTTP://Example.com/a/./b", "example.org/x#frag"], seen="videos")
        assert sent == []
    assert response.status_code == 201
    data = response.json()
    assert data["reference"] == "P-1"
    assert [a["url"] for a in data["addresses"]] == ["http://example.com/a/b", "http://example.org/x"]
    assert data["addresses"][1] == {
        "index": 1,
        "url": "http://example.org/x",
        "sha256": url_sha256("http://example.org/x"),
    }
    report = Report.objects.get(reference=data["hotline_reference"])
    assert report.seen == "videos" and report.found_on == "other"
    assert report.partner_report.member.name == "Acme Filtering"
    for callback in callbacks:
        callback()
    assert sorted(sent) == sorted(UrlRecord.objects.values_list("pk", flat=True))


def test_an_address_already_reported_gets_one_more_report_not_a_second_record(api, sent):
    report_submit(
        addresses=[AddressInput("http://example.com/a", "http://example.com/a")], seen="images", found_on="website"
    )
    send(api, addresses=["http://EXAMPLE.com/a", "http://example.com/a"])
    record = UrlRecord.objects.get()
    assert record.report_count == 2


def test_the_same_reference_again_gets_the_same_answer_and_no_second_report(api, sent):
    first = send(api, addresses=["http://example.com/a", "http://example.com/b"])
    again = send(api, addresses=["http://example.com/a", "http://example.com/b"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Report.objects.count() == 1 and UrlRecord.objects.get(url="http://example.com/a").report_count == 1


def test_another_body_under_a_used_reference_is_refused(api, sent):
    send(api, addresses=["http://example.com/a"])
    response = send(api, addresses=["http://example.com/other"])
    assert response.status_code == 409
    assert Report.objects.count() == 1


def test_references_belong_to_each_member(api, sent):
    send(api, addresses=["http://example.com/a"])
    other = ApiClient(key(member("Other Hotline"))[1])
    assert send(other, addresses=["http://example.com/b"]).status_code == 201
    assert Report.objects.count() == 2


def test_refused_addresses_are_listed_by_index_and_nothing_is_stored(api, sent):
    response = send(api, addresses=["http://fine.example/", "data:image/png;base64,iVBORw0KGgo=", "", "javascript:x"])
    assert response.status_code == 400
    errors = response.json()["address_errors"]
    assert [e["index"] for e in errors] == [1, 2, 3]
    assert errors[0]["error"] == DATA_URI
    assert Report.objects.count() == 0 and UrlRecord.objects.count() == 0 and PartnerReport.objects.count() == 0
    # Fixed, the same reference goes through.
    assert send(api, addresses=["http://fine.example/"]).status_code == 201


@pytest.mark.parametrize(
    "payload",
    [
        {"reference": "P-1", "addresses": []},
        {"reference": "P-1", "addresses": ["http://example.com/"] * 501},
        {"reference": "P-1", "addresses": "http://example.com/"},
        {"reference": "", "addresses": ["http://example.com/"]},
        {"reference": "has space", "addresses": ["http://example.com/"]},
        {"reference": "P/1", "addresses": ["http://example.com/"]},
        {"reference": "P-1", "addresses": ["http://example.com/"], "seen": "smells"},
        {"reference": "P-1", "addresses": ["http://example.com/"], "description": "x" * 1001},
        {"addresses": ["http://example.com/"]},
        {"reference": "P-1", "addresses": ["http://example.com/\x00"]},
    ],
)
def test_invalid_requests_are_refused_and_nothing_is_stored(api, sent, payload):
    response = api.post_json(REPORTS, payload)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Report.objects.count() == 0


def test_five_hundred_addresses_in_one_call(api, sent):
    response = send(api, addresses=[f"http://bulk.example/{n}" for n in range(500)])
    assert response.status_code == 201
    assert Report.objects.get().addresses.count() == 500


def test_malformed_json_and_forms_are_refused(api):
    assert api.post(REPORTS, "{not json", content_type="application/json").status_code == 400
    assert api.post(REPORTS, "reference=P-1", content_type="application/x-www-form-urlencoded").status_code == 415


def test_the_partners_address_browser_and_referrer_are_never_stored(api, sent):
    response = send(api, addresses=["http://example.com/a"], **CANARY_HEADERS)
    assert response.status_code == 201
    stored = every_stored_value()
    assert "example.com/a" in stored
    for canary in CANARIES:
        assert canary not in stored


def test_two_identical_requests_at_once_make_one_report(acme, sent, monkeypatch):
    """The unique (member, reference) row decides; the loser rolls back whole and answers with the winner's."""
    from memberapi import services

    first, _ = services.partner_report_submit(
        member=acme, reference="R", addresses=["http://a.example/"], seen="images", found_on="other"
    )
    real = services._existing
    looks = []

    def racing(*args):
        # The second request looked before the first one committed, and missed it.
        looks.append(args)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(services, "_existing", racing)
    stored, created = services.partner_report_submit(
        member=acme, reference="R", addresses=["http://a.example/"], seen="images", found_on="other"
    )
    assert len(looks) == 2  # it went through the insert and came back
    assert not created and stored.pk == first.pk
    assert Report.objects.count() == 1 and UrlRecord.objects.get().report_count == 1
    assert connection.in_atomic_block  # the test's own transaction survived the rolled-back attempt
