"""The URL list as JSON, CSV or text, by Accept or ?format=; what is on it and what is not."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from reports.addresses import canonicalize, url_sha256
from testsupport.memberapi import beat, body, listed, unlisted
from testsupport.triage import enriched_record

pytestmark = pytest.mark.django_db
URLLIST = "/api/v1/urllist/"


@pytest.fixture
def on_the_list(analyst, senior):
    """Two listed records (categories A and C), one taken off again, and one never confirmed."""
    first = listed("http://Example.COM/a/../b?x=1", analyst, senior)
    second = listed("http://second.example/c", analyst, senior, category="criminal_c")
    gone = listed("http://gone.example/", analyst, senior)
    unlisted(gone, analyst)
    enriched_record("http://waiting.example/")
    beat()
    return first, second


def test_the_default_is_json_with_each_entrys_url_hash_category_and_date(api, on_the_list):
    first, second = on_the_list
    response = api.get(URLLIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(body(response))
    assert [e["url"] for e in data["entries"]] == ["http://example.com/b?x=1", "http://second.example/c"]
    assert data["entries"][0]["sha256"] == url_sha256("http://example.com/b?x=1")
    assert [e["category"] for e in data["entries"]] == ["A", "C"]
    assert data["entries"][0]["added_at"].endswith("Z")
    assert data["cursor"] == response["X-Cursor"]


@pytest.mark.parametrize(
    ("how", "content_type"),
    [
        ({"HTTP_ACCEPT": "text/csv"}, "text/csv; charset=utf-8"),
        ({"QUERY_STRING": "format=csv"}, "text/csv; charset=utf-8"),
        ({"HTTP_ACCEPT": "text/plain"}, "text/plain; charset=utf-8"),
        ({"QUERY_STRING": "format=text"}, "text/plain; charset=utf-8"),
        ({"HTTP_ACCEPT": "application/json"}, "application/json"),
        ({"QUERY_STRING": "format=json", "HTTP_ACCEPT": "text/csv"}, "application/json"),
    ],
)
def test_the_format_is_chosen_by_accept_or_the_format_parameter(api, on_the_list, how, content_type):
    assert api.get(URLLIST, **how)["Content-Type"] == content_type


def test_csv_has_a_header_and_one_row_per_address(api, on_the_list):
    rows = list(csv.reader(io.StringIO(body(api.get(URLLIST, {"format": "csv"})).decode())))
    assert rows[0] == ["url", "sha256", "category", "added_at"]
    assert [row[0] for row in rows[1:]] == ["http://example.com/b?x=1", "http://second.example/c"]
    assert rows[2][1] == url_sha256("http://second.example/c")


def test_text_is_one_url_per_line(api, on_the_list):
    text = body(api.get(URLLIST, {"format": "text"})).decode()
    assert text == "http://example.com/b?x=1\nhttp://second.example/c\n"


def test_an_unknown_format_is_refused_with_json(api, on_the_list):
    for response in (api.get(URLLIST, {"format": "xml"}), api.get(URLLIST, HTTP_ACCEPT="application/xml")):
        assert response.status_code == 406
        assert response["Content-Type"] == "application/json"


def test_errors_are_json_even_when_csv_was_asked_for(db):
    from testsupport.memberapi import ApiClient

    response = ApiClient().get(URLLIST, {"format": "csv"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_hashed_list_holds_digests_of_the_canonical_form_only(api, on_the_list):
    data = json.loads(body(api.get(URLLIST + "hashed/")))
    digests = [e["sha256"] for e in data["entries"]]
    assert digests == [url_sha256(canonicalize("http://Example.COM/a/../b?x=1")), url_sha256("http://second.example/c")]
    assert all("url" not in e for e in data["entries"])
    text = body(api.get(URLLIST + "hashed/", {"format": "text"})).decode()
    assert text.split() == digests
    assert "example" not in body(api.get(URLLIST + "hashed/", {"format": "csv"})).decode()


def test_the_list_streams(api, analyst, senior):
    for n in range(30):
        listed(f"http://stream.example/{n}", analyst, senior)
    beat()
    response = api.get(URLLIST, {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert body(response).count(b"\r\n") == 31
