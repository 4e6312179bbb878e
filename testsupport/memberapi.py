"""Members, keys and listed records for the member API tests."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from memberapi.models import ApiKey, Member
from memberapi.services import api_key_create
from reports.models import UrlRecord
from takedown.lifecycle import reply_record
from testsupport.takedown import confirm, located_record
from testsupport.triage import assess

ALL_SCOPES = ["urllist:read", "reports:write", "reports:read"]
_numbers = itertools.count(1)


def member(name: str | None = None, **fields) -> Member:
    name = name or f"Member {next(_numbers)}"
    return Member.objects.create(name=name, contact_email="api@member.example", **fields)


def key(owner: Member | None = None, scopes=ALL_SCOPES, *, days: int = 30, **fields) -> tuple[ApiKey, str]:
    return api_key_create(
        member=owner or member(),
        name="test key",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
        **fields,
    )


class ApiClient(Client):
    """A test client that sends the key as a member's machine does."""

    def __init__(self, api_key: str | None = None, **defaults) -> None:
        if api_key:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
        super().__init__(**defaults)

    def post_json(self, path: str, data, **extra):
        return self.post(path, data, content_type="application/json", **extra)


def body(response) -> bytes:
    """The whole body of a streamed or ordinary response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def beat() -> int:
    """The beat's run that numbers new list changes (a member's request numbers none)."""
    from memberapi.tasks import sequence_list_changes

    return sequence_list_changes()


def listed(url: str, analyst, senior, category: str = "criminal_a") -> UrlRecord:
    """A record confirmed criminal by two people, as the triage pages do: on the URL list."""
    record = located_record(url, country="ZZ")
    if category == "criminal_a":
        confirm(record, analyst, senior)
    else:
        from triage.services.assessments import assessment_confirm

        assessment_confirm(assessment=assess(analyst, record, category), confirmer=senior)
    return record


def unlisted(record: UrlRecord, analyst) -> None:
    """A partner says the content has moved: the takedown closes and the record leaves the list."""
    reply_record(
        takedown=record.takedown, says="moved", text="moved", user=analyst, moved_to="http://elsewhere.example/"
    )
