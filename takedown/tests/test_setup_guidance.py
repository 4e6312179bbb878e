"""A fresh installation says what routing still needs: on the staff home page, the takedown overview, at start-up."""

import pytest
from django.core.checks import Warning, run_checks
from django.urls import reverse

from takedown.checks import routing_configured
from takedown.setup import setup_gaps
from testsupport.takedown import host, partner, police

pytestmark = pytest.mark.django_db


def keys() -> list[str]:
    return [gap.key for gap in setup_gaps()]


def test_a_fresh_install_lacks_police_partners_and_abuse_contacts(settings):
    settings.HOME_COUNTRY = "GB"
    assert keys() == ["law_enforcement", "partner_hotline", "abuse_contacts"]


def test_each_piece_entered_takes_its_line_away(settings):
    settings.HOME_COUNTRY = "GB"
    police("Country police", countries="GB")
    assert "law_enforcement" in keys(), "a channel for one country is not the default channel"
    police("Default police")
    partner("Partner", countries="NL")
    host("Hosting", cidrs="192.0.2.0/24")
    assert keys() == []


def test_contacts_not_yet_approved_or_inactive_do_not_count(settings):
    settings.HOME_COUNTRY = "GB"
    host("Found over RDAP", cidrs="192.0.2.0/24", approved=False)
    police("Old police", active=False)
    assert {"abuse_contacts", "law_enforcement"} <= set(keys())


def test_no_home_country_is_a_gap(settings):
    settings.HOME_COUNTRY = ""
    assert keys()[0] == "home_country"


def test_the_system_check_warns_with_what_to_do(settings):
    settings.HOME_COUNTRY = "GB"
    warnings = routing_configured(databases=["default"])
    assert [w.id for w in warnings] == ["takedown.W002", "takedown.W003", "takedown.W004"]
    assert all(isinstance(w, Warning) for w in warnings)
    assert "law-enforcement channel with no countries" in warnings[0].hint
    assert "takedown.W002" in {m.id for m in run_checks(databases=["default"])}
    assert "takedown.W002" not in {m.id for m in run_checks()}, "only database checks query the database"


def test_the_system_check_is_quiet_once_routing_is_set_up(settings):
    settings.HOME_COUNTRY = "GB"
    police("Default police")
    partner("Partner", countries="NL")
    host("Hosting", cidrs="192.0.2.0/24")
    assert routing_configured(databases=["default"]) == []


def test_a_manager_sees_the_checklist_with_links_to_the_admin(manager_client):
    for path in [reverse("staff:home"), reverse("takedown:overview")]:
        page = manager_client.get(path).content.decode()
        assert "Before confirmed records can be sent anywhere" in page, path
        assert reverse("admin:takedown_lawenforcementcontact_add") in page
        assert reverse("admin:takedown_partnerhotline_add") in page
        assert reverse("admin:takedown_hostingprovider_changelist") in page


def test_an_analyst_is_told_a_manager_must_set_it_up_without_admin_links(analyst_client):
    page = analyst_client.get(reverse("takedown:overview")).content.decode()
    assert "confirmed records wait until a manager adds them" in page
    assert "/admin/" not in page


def test_the_checklist_is_gone_once_routing_is_set_up(manager_client):
    police("Default police")
    partner("Partner", countries="NL")
    host("Hosting", cidrs="192.0.2.0/24")
    assert "Before confirmed records" not in manager_client.get(reverse("staff:home")).content.decode()
