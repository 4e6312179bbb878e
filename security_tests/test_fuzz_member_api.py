"""Hypothesis against POST /api/v1/reports/: no server error, all or nothing, never a picture."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_tests.inline_content import holds_inline_content, stored_counts, stored_inline_content
from security_tests.strategies import ADDRESS_LIKE, DESCRIPTION, image_in_text
from testsupport.memberapi import ApiClient, key

pytestmark = [pytest.mark.security, pytest.mark.django_db]

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
BODY = st.one_of(
    st.fixed_dictionaries(
        {
            "reference": st.one_of(st.text(max_size=120), st.from_regex(r"\A[a-z0-9]{1,20}\Z")),
            "addresses": st.one_of(st.lists(ADDRESS_LIKE, max_size=5), JSON_SCALARS),
        },  # fmt: skip
        optional={
            "seen": st.one_of(st.sampled_from(["images", "not_sure"]), JSON_SCALARS),
            "found_on": st.one_of(st.sampled_from(["website", "other"]), JSON_SCALARS),
            "description": st.one_of(DESCRIPTION, JSON_SCALARS),
        },
    ),
    st.recursive(
        JSON_SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),  # fmt: skip
)


@pytest.fixture
def api(db):
    return ApiClient(key()[1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])  # fmt: skip
@given(body=BODY)
def test_the_api_never_fails_and_stores_nothing_it_refused(api, body):
    before = stored_counts()
    response = api.post_json("/api/v1/reports/", json.dumps(body))
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    if response.status_code not in (200, 201):
        assert stored_counts() == before, f"{response.status_code} but stored: {body!r}"
    assert not stored_inline_content()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picture=image_in_text(), where=st.sampled_from(["addresses", "description"]), n=st.integers(0, 1000))
def test_a_picture_anywhere_in_a_partner_report_is_refused_and_not_stored(api, picture, where, n):
    assert holds_inline_content(picture)
    body = {"reference": f"pic-{n}", "addresses": ["http://example.com/ok"], "description": ""}
    body[where] = [picture] if where == "addresses" else picture
    before = stored_counts()
    response = api.post_json("/api/v1/reports/", json.dumps(body))
    assert response.status_code == 400, response.content
    assert stored_counts() == before
