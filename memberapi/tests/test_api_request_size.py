"""The API takes 500 long addresses in one body; the public form keeps its 64 KiB limit."""

import json

import pytest

from testsupport.memberapi import ApiClient, key

pytestmark = pytest.mark.django_db


def test_five_hundred_long_addresses_fit(settings):
    settings.REPORT_RATE_LIMIT = 0
    _, secret = key()
    # Long but plainly text: runs that could be base64 would be refused as possible image data.
    path = ".".join(["gallery", "album", "page"] * 90)
    addresses = [f"http://long{n}.example/{path}" for n in range(500)]
    payload = {"reference": "BIG-1", "addresses": addresses, "seen": "images", "found_on": "website"}
    data = json.dumps(payload)
    assert len(data) > 700_000
    response = ApiClient(secret).post_json("/api/v1/reports/", data)
    assert response.status_code == 201, response.content[:300]
    assert response.json()["reference"]


def test_a_body_over_the_api_limit_is_refused_as_json(settings):
    _, secret = key()
    response = ApiClient(secret).post_json("/api/v1/reports/", "x" * (settings.API_MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_an_api_body_without_a_length_is_refused():
    _, secret = key()
    client = ApiClient(secret)
    response = client.generic("POST", "/api/v1/reports/", b"", content_type="application/json", CONTENT_LENGTH="")
    assert response.status_code == 411


def test_the_public_form_still_refuses_more_than_64_kib(client):
    response = client.post("/", "a=" + "x" * (65 * 1024), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
