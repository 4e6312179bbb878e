"""A portal may offer languages beyond the site-wide ones (PORTAL_LANGUAGES); nowhere else speaks them."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import translation

from portals.languages import languages_offered
from reports.models import Report
from testsupport.portals import default_portal, portal
from testsupport.reports import post_form, report_data

pytestmark = pytest.mark.django_db

ENTRY = {"HTTP_SEC_FETCH_SITE": "none"}  # a typed address or a bookmark
WARNING_UK = "Будь ласка, не завантажуйте, не робіть знімків екрана і не поширюйте ці зображення"


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.deactivate()


def ukrainian_portal():
    return portal("ua", name="Гаряча лінія UA", extra_languages="uk")


def test_the_ukrainian_portal_speaks_ukrainian_and_its_selector_lists_it(client):
    ukrainian_portal()
    response = client.get("/p/ua/uk/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="uk"' in html
    assert WARNING_UK in html
    assert 'href="/p/ua/uk/"' in html and "Українська" in html
    assert 'href="/p/ua/fr/"' in html, "the site-wide languages are still offered"


def test_the_main_site_answers_404_for_ukrainian_and_its_selector_does_not_list_it(client):
    ukrainian_portal()
    assert client.get("/uk/").status_code == 404
    assert client.get("/uk/status/").status_code == 404
    html = client.get("/").content.decode()
    assert 'href="/fr/"' in html
    assert "/uk/" not in html and "Українська" not in html


def test_a_portal_without_ukrainian_answers_404_for_it_too(client):
    ukrainian_portal()
    portal("nl")
    assert client.get("/p/nl/uk/").status_code == 404
    assert client.get("/p/nl/fr/").status_code == 200


def test_a_ukrainian_browser_entering_the_portal_is_sent_to_its_ukrainian_page(client):
    ukrainian_portal()
    response = client.get("/p/ua/", HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9", **ENTRY)
    assert response.status_code == 302
    assert response["Location"] == "/p/ua/uk/"


def test_a_ukrainian_browser_entering_the_main_site_gets_the_sites_default(client):
    ukrainian_portal()
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9", **ENTRY)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_browser_asking_for_ukrainian_then_french_gets_french_on_the_main_site(client):
    ukrainian_portal()
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="uk,fr;q=0.8", **ENTRY)
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_a_portal_may_make_its_extra_language_the_default(client):
    portal("ua", extra_languages="uk", default_language="uk").full_clean()
    assert client.get("/p/ua/", **ENTRY)["Location"] == "/p/ua/uk/"


def test_a_report_made_in_ukrainian_keeps_its_language(client):
    ukrainian_portal()
    response = post_form(client, "/p/ua/uk/", report_data())
    assert response.status_code == 200, response.content.decode()[:500]
    report = Report.objects.get()
    assert (report.language, report.portal.slug) == ("uk", "ua")


def test_the_service_accepts_a_portal_language_and_refuses_one_not_configured(settings):
    from reports.addresses import canonicalize
    from reports.services import AddressInput, report_submit

    address = AddressInput(as_typed="example.com/a", canonical=canonicalize("example.com/a"))
    report_submit(addresses=[address], seen="images", found_on="website", language="uk")
    assert Report.objects.get().language == "uk"
    with pytest.raises(ValueError, match="LANGUAGES"):
        report_submit(addresses=[address], seen="images", found_on="website", language="ro")
    assert Report.objects.count() == 1


def test_an_extra_language_dropped_from_portal_languages_is_no_longer_offered(settings):
    ua = ukrainian_portal()
    site_wide = [code for code, _name in settings.SITE_LANGUAGES]
    assert languages_offered(ua) == site_wide + ["uk"]
    settings.PORTAL_LANGUAGES = []
    assert languages_offered(ua) == site_wide
    assert languages_offered(default_portal()) == site_wide


def test_a_portal_language_asked_for_while_the_database_is_down_gets_the_503_page(settings):
    from django.db import OperationalError
    from django.test import Client

    with mock.patch("portals.selectors.portals_serving", side_effect=OperationalError("closed")) as serving:
        response = Client(raise_request_exception=False).get("/uk/")
    assert serving.called
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
