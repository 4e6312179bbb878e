"""Listed records, dedicated domains and feed clients for the feeds tests."""

from __future__ import annotations

from reports.models import UrlRecord
from testsupport.memberapi import ApiClient, body, key, listed, member, unlisted
from testsupport.takedown import located_record
from testsupport.triage import assess
from triage.services.assessments import assessment_confirm

__all__ = ["ApiClient", "body", "dedicated", "feed_client", "listed", "unlisted"]

FEED_SCOPES = ["feeds:rpz", "feeds:taxii", "feeds:misp"]


def dedicated(url: str, analyst, senior) -> UrlRecord:
    """A record assessed criminal with its whole domain marked dedicated, and confirmed: on the list."""
    record = located_record(url, country="ZZ")
    details = {"age_group": "7-10", "sex": "girls", "site_type": "website", "commercial": False}
    assessment = assess(analyst, record, "criminal_a", dedicated_domain=True, **details)
    assessment_confirm(assessment=assessment, confirmer=senior)
    return record


def feed_client(scopes=FEED_SCOPES) -> ApiClient:
    return ApiClient(key(member(), scopes)[1])
