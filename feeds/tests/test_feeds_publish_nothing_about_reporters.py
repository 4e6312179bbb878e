"""No feed carries anything a reporter gave us, nor our notes: only the address and list facts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from feeds.identifiers import COLLECTION_ID
from feeds.tests.helpers import body, dedicated, feed_client
from reports.models import Report
from testsupport.triage import report_about

pytestmark = pytest.mark.django_db

SECRETS = ("reporter-secret-description", "reporter@private.example", "R-TEST-", "as-typed-secret")


def test_no_feed_contains_reporter_data(analyst, senior):
    record = dedicated("http://www.reported.example/a", analyst, senior)
    report = report_about(record, description="reporter-secret-description")
    Report.objects.filter(pk=report.pk).update(contact_email="reporter@private.example")
    report.addresses.update(as_typed="as-typed-secret")
    client = feed_client()
    taxii = {"HTTP_ACCEPT": "application/taxii+json;version=2.1"}
    bodies = [
        body(client.get(reverse("feeds:rpz"))),
        body(client.get(reverse("feeds:taxii-objects", args=[COLLECTION_ID]), **taxii)),
        body(client.get(reverse("feeds:taxii-objects", args=[COLLECTION_ID]), {"match[version]": "all"}, **taxii)),
        body(client.get(reverse("feeds:misp-hashes"))),
    ]
    manifest = client.get(reverse("feeds:misp-manifest"))
    bodies.append(body(manifest))
    for uuid in json.loads(body(manifest)):
        bodies.append(body(client.get(reverse("feeds:misp-event", args=[uuid]))))
    published = b"\n".join(bodies).decode()
    assert "reported.example" in published  # the feeds did answer
    for secret in SECRETS:
        assert secret not in published
