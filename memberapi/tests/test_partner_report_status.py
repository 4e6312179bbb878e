"""GET /api/v1/reports/{reference}/: a partner sees its own reports' status, never another's."""

import pytest

from enrichment import pipeline
from reports.models import UrlRecord
from testsupport.memberapi import ApiClient, key, member
from testsupport.triage import assess
from triage.services.assessments import assessment_confirm
from triage.services.states import states_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(pipeline, "_send", lambda record_id: None)


def send(api, reference, addresses):
    response = api.post_json("/api/v1/reports/", {"reference": reference, "addresses": addresses})
    assert response.status_code == 201
    return response.json()


def status_of(api, reference):
    return api.get(f"/api/v1/reports/{reference}/")


def test_a_new_report_is_received(api):
    sent = send(api, "P-1", ["http://example.com/a"])
    data = status_of(api, "P-1").json()
    assert data["status"] == "received"
    assert data["hotline_reference"] == sent["hotline_reference"]
    assert data["addresses"] == [
        {"url": "http://example.com/a", "sha256": sent["addresses"][0]["sha256"], "status": "received"}
    ]


def test_the_status_follows_triage_address_by_address(api, analyst, senior):
    send(api, "P-2", ["http://a.example/", "http://b.example/"])
    a, b = UrlRecord.objects.get(url="http://a.example/"), UrlRecord.objects.get(url="http://b.example/")
    UrlRecord.objects.update(enrichment_state="enriched", country_code="ZZ")
    states_create([a.pk, b.pk])
    assessment_confirm(assessment=assess(analyst, a, "criminal_b"), confirmer=senior)
    data = status_of(api, "P-2").json()
    assert data["status"] == "action_taken"
    assert [x["status"] for x in data["addresses"]] == ["action_taken", "received"]
    assess(analyst, b, "not_illegal")
    assert [x["status"] for x in status_of(api, "P-2").json()["addresses"]] == ["action_taken", "no_action"]


def test_another_partners_report_is_not_found(api):
    send(api, "P-3", ["http://example.com/a"])
    other = ApiClient(key(member("Other Hotline"))[1])
    response = status_of(other, "P-3")
    assert response.status_code == 404
    assert "example.com" not in response.content.decode()
    # Even its own report under the same reference shows only its own addresses.
    send(other, "P-3", ["http://other.example/"])
    assert [x["url"] for x in status_of(other, "P-3").json()["addresses"]] == ["http://other.example/"]
    assert [x["url"] for x in status_of(api, "P-3").json()["addresses"]] == ["http://example.com/a"]


def test_an_unknown_reference_is_not_found(api):
    assert status_of(api, "never-sent").status_code == 404
