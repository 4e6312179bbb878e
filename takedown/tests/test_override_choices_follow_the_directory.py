"""The override form's recipients come from the cache, and a change to the directory shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from takedown.selectors import OVERRIDE_CHOICES_KEY
from testsupport.personas import login_verified
from testsupport.takedown import confirm, host, located_record, partner, takedown_of
from testsupport.triage import post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _home(settings):
    settings.HOME_COUNTRY = "GB"


@pytest.fixture
def takedown(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24")
    return confirm(located_record("http://evil.example/a", country="GB"), analyst, senior)


def _override_section(client, takedown) -> str:
    page = client.get(reverse("triage:record", args=[takedown.pk])).content.decode()
    return page[page.index('id="override_recipient"') :].split("</select>")[0]


def test_a_recipient_added_after_the_page_was_seen_is_offered_at_once(
    senior_client, takedown, django_capture_on_commit_callbacks
):
    assert "Partner Hotline" not in _override_section(senior_client, takedown)
    with django_capture_on_commit_callbacks(execute=True):
        partner("Partner Hotline")
    assert "Partner Hotline (Partner hotline)" in _override_section(senior_client, takedown)


def test_a_recipient_switched_off_or_deleted_is_no_longer_offered(
    senior_client, takedown, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dutch, german = partner("Dutch Hotline"), partner("German Hotline", countries="DE")
    section = _override_section(senior_client, takedown)
    assert "Dutch Hotline" in section and "German Hotline" in section
    with django_capture_on_commit_callbacks(execute=True):
        dutch.active = False
        dutch.save()
        german.delete()
    section = _override_section(senior_client, takedown)
    assert "Dutch Hotline" not in section and "German Hotline" not in section and "Example Hosting" in section


def test_the_recipients_are_read_once_and_then_come_from_the_cache(senior_client, takedown):
    _override_section(senior_client, takedown)
    with CaptureQueriesContext(connection) as queries:
        section = _override_section(senior_client, takedown)
    assert "Example Hosting" in section
    assert not [q for q in queries.captured_queries if 'FROM "takedown_recipient"' in q["sql"].split(" WHERE ")[0]]


def test_a_posted_choice_is_checked_against_the_directory_not_the_cache(senior2, takedown):
    gone = partner("Gone Hotline")
    _override_section(login_verified(Client(), senior2), takedown)
    gone.active = False
    gone.save()
    # A stale list, as a lost race would leave it: it still offers the switched-off recipient.
    cache.set(OVERRIDE_CHOICES_KEY, [(gone.pk, "Gone Hotline (Partner hotline)")])
    client = login_verified(Client(), senior2)
    response = post(
        client,
        reverse("takedown:override", args=[takedown.pk]),
        {"route": "partner", "recipient": gone.pk, "reason": "They cover it"},
    )
    assert response.status_code == 302
    assert takedown_of(takedown.record).route == "home"
    assert "The route was not changed" in client.get(response["Location"]).content.decode()
