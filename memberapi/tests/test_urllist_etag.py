"""ETag and If-None-Match: an unchanged list costs a member (and us) nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testsupport.memberapi import beat, body, listed

pytestmark = pytest.mark.django_db
URLLIST = "/api/v1/urllist/"


def test_an_unchanged_list_answers_304_without_reading_the_list(api, analyst, senior):
    listed("http://etag.example/1", analyst, senior)
    beat()
    first = api.get(URLLIST)
    etag = first["ETag"]
    body(first)
    with CaptureQueriesContext(connection) as queries:
        again = api.get(URLLIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and again["X-Cursor"] == first["X-Cursor"]
    assert not [q for q in queries.captured_queries if "memberapi_listing" in q["sql"]]


def test_a_new_address_changes_the_etag(api, analyst, senior):
    listed("http://etag.example/1", analyst, senior)
    beat()
    etag = api.get(URLLIST)["ETag"]
    listed("http://etag.example/2", analyst, senior)
    beat()
    response = api.get(URLLIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert len(json.loads(body(response))["entries"]) == 2


def test_each_format_and_list_has_its_own_etag(api, analyst, senior):
    listed("http://etag.example/1", analyst, senior)
    beat()
    tags = {
        api.get(URLLIST)["ETag"],
        api.get(URLLIST, {"format": "csv"})["ETag"],
        api.get(URLLIST, {"format": "text"})["ETag"],
        api.get(URLLIST + "hashed/")["ETag"],
        api.get(URLLIST, {"since": "0"})["ETag"],
    }
    assert len(tags) == 5
    csv_tag = api.get(URLLIST, {"format": "csv"})["ETag"]
    assert api.get(URLLIST, HTTP_IF_NONE_MATCH=csv_tag).status_code == 200  # the JSON copy is not the CSV one


def test_if_none_match_with_several_tags_or_a_weak_one(api, analyst, senior):
    listed("http://etag.example/1", analyst, senior)
    beat()
    etag = api.get(URLLIST)["ETag"]
    assert api.get(URLLIST, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert api.get(URLLIST, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert api.get(URLLIST, HTTP_IF_NONE_MATCH='"other"').status_code == 200
