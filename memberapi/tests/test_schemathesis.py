"""Schemathesis against the served schema: no server error, and every answer matches the schema.

The schema is loaded from /api/v1/schema/ through the WSGI application, as
a member would read it, and each operation is driven by Hypothesis with a
small budget (the suite stays under a minute). Run with and without a key,
so the 401 answers are checked against the schema too.
(schemathesis.pytest.from_fixture does not work under pytest 9, hence the loop.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from reportsite.wsgi import application
from testsupport.memberapi import ApiClient, key, listed, member

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bearer(db, analyst, senior, monkeypatch):
    """A key with every scope, a listed address, and a report to look at."""
    from enrichment import pipeline

    monkeypatch.setattr(pipeline, "_send", lambda record_id: None)
    _, secret = key(member("Schemathesis Partner"), rate_limit="100000/min")
    listed("http://listed.example/a", analyst, senior)
    ApiClient(secret).post_json("/api/v1/reports/", {"reference": "known-1", "addresses": ["http://a.example/"]})
    return {"Authorization": f"Bearer {secret}"}


def fuzz(headers: dict[str, str], max_examples: int) -> int:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
    return len(operations)


# Random references and cursors rarely exist: these known ones make sure the
# success answers are checked too, not only the 404s and 400s.
KNOWN = {
    ("GET", "/api/v1/reports/{reference}/"): [{"path_parameters": {"reference": "known-1"}}],
    ("GET", "/api/v1/urllist/"): [{"query": {"since": "0", "format": f}} for f in ("json", "csv", "text")]
    + [{"query": {"format": f}} for f in ("json", "csv", "text")],
    ("GET", "/api/v1/urllist/hashed/"): [{"query": {"since": "0"}}, {"query": {}}],
    ("POST", "/api/v1/reports/"): [
        {"body": {"reference": "known-2", "addresses": ["http://b.example/"]}},
        {"body": {"reference": "known-2", "addresses": ["http://b.example/"]}},
        {"body": {"reference": "known-2", "addresses": ["http://c.example/"]}},
        {"body": {"reference": "known-3", "addresses": ["data:image/png;base64,AAAA"]}},
    ],
}


def test_the_api_keeps_to_its_schema(bearer):
    assert fuzz(bearer, max_examples=25) == 4


def test_known_good_requests_keep_to_the_schema(bearer):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    statuses = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for fields in KNOWN[(operation.method.upper(), operation.path)]:
            case = operation.Case(media_type="application/json" if "body" in fields else None, **fields)
            statuses.append(case.call_and_validate(headers=bearer, checks=CHECKS).status_code)
    assert sorted(statuses) == sorted([200] * 9 + [201, 200, 409, 400])


def test_the_api_keeps_to_its_schema_without_a_key(db):
    assert fuzz({}, max_examples=5) == 4
