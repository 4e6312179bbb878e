"""Only a domain marked dedicated by an analyst, and confirmed by a second senior, enters the zone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feeds.tests.helpers import body, dedicated, feed_client, listed, unlisted
from memberapi.models import Listing
from staff.models import AuditEvent
from testsupport.takedown import located_record
from testsupport.triage import assess

pytestmark = pytest.mark.django_db
RPZ = reverse("feeds:rpz")


def zone_lines(client) -> list[str]:
    response = client.get(RPZ)
    assert response.status_code == 200, response.content
    return [line for line in body(response).decode().splitlines() if line and not line.startswith(";")]


def policy_lines(client) -> list[str]:
    return [line for line in zone_lines(client) if " CNAME " in line]


def test_a_confirmed_url_level_entry_never_makes_a_domain_block(analyst, senior):
    for number in range(3):
        listed(f"http://shared.example/page/{number}", analyst, senior)
    assert policy_lines(feed_client()) == []
    # They are on the URL list all the same, each as its own address.
    assert Listing.objects.filter(removed_position__isnull=True, domain="").count() == 3


def test_a_confirmed_dedicated_domain_is_blocked_with_its_subdomains(analyst, senior):
    dedicated("http://www.abuse-only.example/gallery/1", analyst, senior)
    listed("http://shared.example/page/1", analyst, senior)
    assert policy_lines(feed_client()) == ["abuse-only.example CNAME .", "*.abuse-only.example CNAME ."]


def test_an_unconfirmed_dedicated_mark_blocks_nothing(analyst):
    record = located_record("http://waiting.example/x", country="ZZ")
    details = {"age_group": "7-10", "sex": "girls", "site_type": "website", "commercial": False}
    assess(analyst, record, "criminal_a", dedicated_domain=True, **details)
    assert policy_lines(feed_client()) == []


def test_the_domain_leaves_the_zone_when_its_content_leaves_the_list(analyst, senior):
    record = dedicated("http://gone.example/a", analyst, senior)
    client = feed_client()
    assert "gone.example CNAME ." in policy_lines(client)
    unlisted(record, analyst)
    assert policy_lines(client) == []


def test_the_domain_stays_while_any_of_its_dedicated_addresses_is_listed(analyst, senior):
    first = dedicated("http://two.example/a", analyst, senior)
    dedicated("http://two.example/b", analyst, senior)
    unlisted(first, analyst)
    assert policy_lines(feed_client()) == ["two.example CNAME .", "*.two.example CNAME ."]


def test_the_serial_rises_on_every_change_of_the_zone(analyst, senior):
    client = feed_client()

    def serial() -> int:
        soa = next(line for line in zone_lines(client) if " SOA " in line)
        return int(soa.split()[5])

    first = serial()
    record = dedicated("http://serial.example/a", analyst, senior)
    second = serial()
    unlisted(record, analyst)
    third = serial()
    assert first < second < third


def test_the_zone_is_not_sent_again_while_unchanged(analyst, senior):
    client = feed_client()
    dedicated("http://etag.example/a", analyst, senior)
    first = client.get(RPZ)
    again = client.get(RPZ, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    listed("http://page-level.example/b", analyst, senior)  # the list moved, the zone did not
    assert client.get(RPZ, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    dedicated("http://etag2.example/a", analyst, senior)
    assert client.get(RPZ, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_splash_page_name_replaces_nxdomain(analyst, senior, settings):
    settings.RPZ_SPLASH_CNAME = "blocked.member.example"
    dedicated("http://splash.example/a", analyst, senior)
    assert policy_lines(feed_client()) == [
        "splash.example CNAME blocked.member.example.",
        "*.splash.example CNAME blocked.member.example.",
    ]


def test_marking_a_domain_is_on_the_audit_trail_and_in_the_confirmation(analyst, senior):
    record = dedicated("http://audited.example/a", analyst, senior)
    assessed = AuditEvent.objects.get(action=AuditEvent.Action.ASSESSED, target_id=str(record.pk))
    assert assessed.details["dedicated_domain"] == "audited.example"
    assert "whole domain dedicated" in assessed.summary
    confirmed = AuditEvent.objects.get(action=AuditEvent.Action.CONFIRMED, target_id=str(record.pk))
    assert "whole domain dedicated" in confirmed.summary
