"""Routing by the home country of the portal a record was first reported through."""

import pytest

from reports.models import Report, ReportedAddress
from reports.selectors import record_home_country
from takedown.models import Takedown
from takedown.routing import route_decide
from testsupport.portals import portal
from testsupport.takedown import host, located_record, partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _home(settings):
    settings.HOME_COUNTRY = "GB"


def reported_through(record, chosen, *, reference: str):
    report = Report.objects.create(
        reference=reference, receipt_hash="x", seen="images", found_on="website", portal=chosen
    )
    ReportedAddress.objects.create(report=report, record=record, as_typed=record.url, position=0)
    return report


def test_a_record_reported_through_a_dutch_portal_and_hosted_in_nl_is_routed_home():
    provider = host("Dutch Hosting", cidrs="192.0.2.0/24")
    partner("Meldpunt NL", countries="NL")
    record = located_record("http://nl.example/a", country="NL")
    reported_through(record, portal("nl", home_country="NL"), reference="R1")
    decision = route_decide(record)
    assert decision.route == Takedown.Route.HOME
    assert decision.recipient == provider
    assert "NL, the home country" in decision.reason


def test_the_same_record_reported_through_no_portal_goes_to_the_dutch_partner():
    partner("Meldpunt NL", countries="NL")
    record = located_record("http://nl.example/a", country="NL")
    reported_through(record, None, reference="R1")
    assert route_decide(record).route == Takedown.Route.PARTNER


def test_the_first_report_decides_and_a_blank_home_country_follows_the_setting(settings):
    record = located_record("http://nl.example/a", country="NL")
    reported_through(record, portal("uk"), reference="R1")  # blank: HOME_COUNTRY
    reported_through(record, portal("nl", home_country="NL"), reference="R2")
    assert record_home_country(record) == "GB"
    settings.HOME_COUNTRY = "IE"
    assert record_home_country(record) == "IE"


def test_a_record_with_no_report_uses_the_setting():
    assert record_home_country(located_record("http://nl.example/a", country="NL")) == "GB"
