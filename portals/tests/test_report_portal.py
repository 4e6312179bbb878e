"""A report records the portal it came through; one sent by a partner's API call came through none."""

import pytest

from reports.models import Report
from reports.services import AddressInput, report_submit
from testsupport.portals import default_portal, portal
from testsupport.reports import post_form, report_data, send_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl"]


def test_a_report_through_a_host_stores_its_portal(client):
    nl = portal(host_names="report.example.nl")
    send_report(client, HTTP_HOST="report.example.nl")
    assert Report.objects.get().portal == nl


def test_a_report_through_a_prefix_stores_its_portal(client):
    ua = portal("ua")
    post_form(client, "/p/ua/", report_data())
    assert Report.objects.get().portal == ua


def test_a_report_through_the_main_site_stores_the_default_portal(client):
    send_report(client)
    assert Report.objects.get().portal == default_portal()


def test_a_report_submitted_without_a_portal_has_none():
    address = AddressInput(as_typed="http://example.com/a", canonical="http://example.com/a")
    submission = report_submit(addresses=[address], seen="images", found_on="website")
    assert submission.report.portal is None
