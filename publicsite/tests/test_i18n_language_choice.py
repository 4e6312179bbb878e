"""Which language a visit gets: the URL prefix decides; entering at / falls back to the browser's preference."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from reports.models import Report
from testsupport.reports import post_form, report_data
from testsupport.triage import enriched_record, report_about

ENTRY = {"HTTP_SEC_FETCH_SITE": "none"}  # a typed address or a bookmark
CLICK = {"HTTP_SEC_FETCH_SITE": "same-origin"}  # one of our own links


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.deactivate()


@pytest.mark.django_db
def test_entering_at_the_root_with_a_french_browser_goes_to_the_french_form(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5", **ENTRY)
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert "Accept-Language" in response["Vary"] and "Sec-Fetch-Site" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("fetch_site", ["none", "cross-site", "same-site"])
def test_every_kind_of_entry_is_sent_to_the_browsers_language(client, fetch_site):
    response = client.get("/status/?from=leaflet", HTTP_ACCEPT_LANGUAGE="ar", HTTP_SEC_FETCH_SITE=fetch_site)
    assert response["Location"] == "/ar/status/?from=leaflet"


@pytest.mark.django_db
def test_the_best_supported_language_of_the_browser_wins(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv;q=1.0, de-AT;q=0.9, en;q=0.1", **ENTRY)
    assert response["Location"] == "/de/"


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-GB,en;q=0.9", "sv,fi", ""])
def test_english_or_unsupported_preferences_stay_at_the_root(client, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept, **ENTRY)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_choosing_english_from_a_french_page_is_not_undone(client):
    """The selector's English link is plain /; following it is a same-origin click, never redirected."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr", **CLICK)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    response = client.get("/status/", HTTP_ACCEPT_LANGUAGE="fr", **CLICK)
    assert response.status_code == 200 and '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_a_browser_that_does_not_say_where_it_came_from_gets_english_and_the_selector(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert 'href="/fr/" hreflang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_a_prefixed_address_is_never_redirected(client):
    response = client.get("/es/", HTTP_ACCEPT_LANGUAGE="fr", **ENTRY)
    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()


@pytest.mark.django_db
def test_a_report_posted_at_the_root_is_kept_whatever_the_browser_prefers(client):
    response = post_form(client, "/", report_data(), HTTP_ACCEPT_LANGUAGE="pl", **ENTRY)
    assert response.status_code == 200
    assert Report.objects.get().language == "en"


@pytest.mark.django_db
def test_staff_pages_stay_english_and_unprefixed(client):
    response = client.get("/staff/login/", HTTP_ACCEPT_LANGUAGE="fr", **ENTRY)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en" dir="ltr">' in body and "Staff sign-in" in body
    assert 'class="language-switcher"' not in body
    assert client.get("/fr/staff/login/").status_code == 404
    assert client.get("/fr/triage/").status_code == 404
    assert client.get("/fr/api/v1/urls/").status_code == 404


@pytest.mark.django_db
def test_staff_form_errors_stay_english_for_a_french_browser(client):
    response = client.post("/staff/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ce champ est obligatoire" not in response.content.decode()


@pytest.mark.django_db
def test_analysts_see_the_reporters_language_beside_the_description(analyst_client):
    record = enriched_record("https://img.example.org/gallery/1")
    report = report_about(record, description="vu sur un forum")
    report.language = "fr"
    report.save()
    html = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
    assert "language French (fr)" in html
    assert '<html lang="en"' in html


def test_a_report_in_a_language_the_site_does_not_offer_is_refused_by_the_service(db):
    from reports.addresses import canonicalize
    from reports.services import AddressInput, report_submit

    address = AddressInput(as_typed="example.com/a", canonical=canonicalize("example.com/a"))
    with pytest.raises(ValueError, match="LANGUAGES"):
        report_submit(addresses=[address], seen="images", found_on="website", language="xx")
    assert Report.objects.count() == 0
