"""The routing table: home → hosting provider (police informed), partner country → partner, else police."""

import pytest

from staff.models import AuditEvent
from takedown.lifecycle import TakedownError, route_override
from takedown.models import Notice, Takedown
from takedown.routing import route_decide
from testsupport.takedown import confirm, host, located_record, partner, police, takedown_of

Route = Takedown.Route
Status = Takedown.Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _home(settings):
    settings.HOME_COUNTRY = "GB"


def notices(takedown):
    return sorted((n.recipient.name, n.purpose) for n in Notice.objects.filter(takedown=takedown))


def test_hosted_at_home_goes_to_the_hosting_providers_abuse_desk_and_police_are_informed(analyst, senior):
    provider = host("Example Hosting", cidrs="192.0.2.0/24")
    ceop = police("NCA CEOP", countries="GB")
    record = located_record("http://home.example/a", country="GB")
    takedown = confirm(record, analyst, senior)
    assert takedown.route == Route.HOME
    assert takedown.recipient == provider
    assert takedown.status == Status.AWAITING_NOTICE
    assert "192.0.2.10 is in 192.0.2.0/24" in takedown.reason
    assert "NCA CEOP is informed" in takedown.reason
    assert notices(takedown) == [("Example Hosting", "initial"), ("NCA CEOP", "inform")]
    assert ceop.pk != provider.pk


def test_hosted_at_home_without_an_approved_contact_is_held(analyst, senior):
    host("Found over RDAP", cidrs="192.0.2.0/24", approved=False, source="rdap")
    police("NCA CEOP", countries="GB")
    takedown = confirm(located_record("http://held.example/a", country="GB"), analyst, senior)
    assert takedown.route == Route.HOME
    assert takedown.recipient is None
    assert takedown.status == Status.AWAITING_CONTACT
    assert "no approved abuse contact" in takedown.reason
    # The police are informed at once; the provider's notice waits.
    assert notices(takedown) == [("NCA CEOP", "inform")]


def test_hosted_where_a_partner_hotline_works_is_forwarded_to_it(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24")
    meldpunt = partner("Offlimits", countries="NL BE")
    police("Default police")
    takedown = confirm(located_record("http://abroad.example/a", country="BE"), analyst, senior)
    assert (takedown.route, takedown.recipient) == (Route.PARTNER, meldpunt)
    assert "partner hotline Offlimits covers" in takedown.reason
    assert notices(takedown) == [("Offlimits", "initial")]


def test_hosted_elsewhere_goes_to_the_countrys_police_channel_or_the_default_one(analyst, senior):
    partner("Offlimits", countries="NL")
    default = police("Interpol desk")
    us = police("US liaison", countries="US")
    to_us = confirm(located_record("http://far.example/a", country="US"), analyst, senior)
    to_default = confirm(located_record("http://further.example/a", country="RU"), analyst, senior)
    assert (to_us.route, to_us.recipient) == (Route.LAW_ENFORCEMENT, us)
    assert (to_default.route, to_default.recipient) == (Route.LAW_ENFORCEMENT, default)
    assert "Hosted in RU, where no partner hotline works" in to_default.reason


def test_an_unknown_hosting_country_goes_to_law_enforcement(analyst, senior):
    default = police("Interpol desk")
    takedown = confirm(located_record("http://unknown.example/a", country=""), analyst, senior)
    assert (takedown.route, takedown.recipient) == (Route.LAW_ENFORCEMENT, default)
    assert takedown.reason.startswith("The hosting country is unknown")


def test_without_any_police_channel_the_record_waits_and_says_why(analyst, senior):
    takedown = confirm(located_record("http://nowhere.example/a", country="US"), analyst, senior)
    assert takedown.status == Status.AWAITING_CONTACT
    assert "no law-enforcement channel is configured" in takedown.reason


def test_the_most_specific_contact_wins(db):
    record = located_record("http://specific.example/a", ips=("192.0.2.10",), asn=64500, network="BIGNET")
    by_name = host("By name", network_names="bignet")
    by_asn = host("By ASN", asns="AS64500")
    wide = host("Wide block", cidrs="192.0.0.0/16")
    narrow = host("Narrow block", cidrs="192.0.2.0/28")
    assert route_decide(record).recipient == narrow
    narrow.active = False
    narrow.save()
    assert route_decide(record).recipient == wide
    wide.active = False
    wide.save()
    assert route_decide(record).recipient == by_asn
    by_asn.active = False
    by_asn.save()
    assert route_decide(record).recipient == by_name


def test_inactive_partners_are_not_chosen(db):
    partner("Sleeping partner", countries="NL", active=False)
    default = police("Interpol desk")
    assert route_decide(located_record("http://nl.example/a", country="NL")).recipient == default


def test_a_senior_analyst_overrides_the_route_and_it_is_audited(analyst, senior, senior2):
    police("Interpol desk")
    meldpunt = partner("Offlimits", countries="NL")
    takedown = confirm(located_record("http://override.example/a", country="US"), analyst, senior)
    assert takedown.recipient.name == "Interpol desk"
    route_override(
        takedown=takedown, route=Route.PARTNER, recipient=meldpunt, reason="Hosted on a Dutch CDN edge", user=senior2
    )
    takedown = takedown_of(takedown.record)
    assert (takedown.route, takedown.recipient, takedown.overridden_by) == (Route.PARTNER, meldpunt, senior2)
    assert "Hosted on a Dutch CDN edge" in takedown.reason
    # The unsent notice to the police is withdrawn; the partner gets one instead.
    assert notices(takedown) == [("Offlimits", "initial")]
    event = AuditEvent.objects.get(action="route_overridden")
    assert event.actor == senior2 and "Offlimits" in event.summary


@pytest.mark.parametrize(
    "problem, message",
    [
        ("analyst", "Only a senior analyst"),
        ("no reason", "Say why"),
        ("wrong kind", "does not fit that route"),
        ("unapproved", "not yet approved"),
    ],
)
def test_a_bad_override_is_refused_and_changes_nothing(analyst, senior, senior2, problem, message):
    police("Interpol desk")
    takedown = confirm(located_record("http://refused.example/a", country="US"), analyst, senior)
    target = partner("Offlimits", countries="NL", approved=problem != "unapproved")
    kwargs = {"takedown": takedown, "route": Route.PARTNER, "recipient": target, "reason": "because", "user": senior2}
    if problem == "analyst":
        kwargs["user"] = analyst
    elif problem == "no reason":
        kwargs["reason"] = "  "
    elif problem == "wrong kind":
        kwargs["route"] = Route.HOME
    with pytest.raises(TakedownError, match=message):
        route_override(**kwargs)
    after = takedown_of(takedown.record)
    assert (after.route, after.recipient_id, after.reason) == (takedown.route, takedown.recipient_id, takedown.reason)
    assert not AuditEvent.objects.filter(action="route_overridden").exists()


def test_confirmation_opens_exactly_one_takedown_and_audits_the_routing(analyst, senior):
    police("Interpol desk")
    record = located_record("http://once.example/a", country="US")
    confirm(record, analyst, senior)
    assert Takedown.objects.filter(record=record).count() == 1
    assert AuditEvent.objects.filter(action="routed", target_id=str(record.pk)).count() == 1


def test_takedown_sync_opens_what_a_restore_lost(analyst, senior):
    from django.core.management import call_command

    police("Interpol desk")
    record = located_record("http://restored.example/a", country="US")
    confirm(record, analyst, senior)
    Notice.objects.filter(takedown_id=record.pk).delete()
    Takedown.objects.filter(pk=record.pk).delete()
    call_command("takedown_sync")
    assert takedown_of(record).recipient.name == "Interpol desk"
    call_command("takedown_sync")
    assert Takedown.objects.filter(pk=record.pk).count() == 1
