"""Hypothesis against the public form: no server error, nothing stored when refused, never a picture."""

import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publicsite import formguard
from security_tests.inline_content import holds_inline_content, stored_counts, stored_inline_content
from security_tests.strategies import ADDRESS_LIKE, DESCRIPTION, image_in_text

pytestmark = [pytest.mark.security, pytest.mark.django_db]

FIELDS = st.fixed_dictionaries(
    {
        "addresses": st.lists(ADDRESS_LIKE, min_size=0, max_size=4).map("\n".join),
        "seen": st.sampled_from(["images", "videos", "not_sure", "", "<script>", "x" * 100]),
        "found_on": st.sampled_from(["website", "other", "", "\x00"]),
        "description": DESCRIPTION,
        "contact_email": st.sampled_from(["", "a@example.com", "not an email", "x@" + "a" * 300]),
    },
    optional={"website": st.sampled_from(["", "bot"]), "extra": st.text(max_size=20)},
)


def post(client, fields: dict):
    data = fields | {"token": formguard.token_issue(now=time.time() - 60)}
    try:
        body = urlencode(data)
    except UnicodeEncodeError:  # lone surrogates: what a browser cannot send, sent as raw bytes
        body = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in data.items()})
    return client.post("/", body, content_type="application/x-www-form-urlencoded")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])  # fmt: skip
@given(fields=FIELDS)
def test_the_public_form_never_fails_and_stores_nothing_it_refused(client, settings, fields):
    settings.REPORT_RATE_LIMIT = 0
    settings.REPORT_GLOBAL_RATE_LIMIT = 0
    before = stored_counts()
    response = post(client, fields)
    assert response.status_code < 500
    stored = stored_counts() != before
    if response.status_code != 200 or fields.get("website"):
        assert not stored, f"{response.status_code} but stored: {fields!r}"
    assert not stored_inline_content()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picture=image_in_text(), where=st.sampled_from(["addresses", "description"]))
def test_a_picture_in_any_field_is_refused_and_not_stored(client, settings, picture, where):
    settings.REPORT_RATE_LIMIT = 0
    assert holds_inline_content(picture)
    fields = {"addresses": "http://example.com/ok", "seen": "images", "found_on": "website", "description": "",
              "contact_email": "", "website": ""}  # fmt: skip
    fields[where] = picture
    before = stored_counts()
    response = post(client, fields)
    assert response.status_code == 400
    assert stored_counts() == before
