"""A portal's default language speaks for browsers that ask for none of the site's languages."""

import pytest
from django.core.checks import run_checks

from testsupport.portals import portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.fr"]


def entering(client, path: str, **headers):
    """A first visit by a browser: typed or bookmarked (Sec-Fetch-Site: none)."""
    return client.get(path, HTTP_HOST="report.example.fr", HTTP_SEC_FETCH_SITE="none", **headers)


def test_a_browser_without_a_preference_gets_the_portals_language(client):
    portal("fr", host_names="report.example.fr", default_language="fr")
    response = entering(client, "/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_a_browser_asking_for_none_of_the_sites_languages_gets_the_portals_language(client):
    portal("fr", host_names="report.example.fr", default_language="fr")
    assert entering(client, "/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")["Location"] == "/fr/"


def test_the_browsers_own_choice_wins(client):
    portal("fr", host_names="report.example.fr", default_language="fr")
    assert entering(client, "/", HTTP_ACCEPT_LANGUAGE="de").get("Location") == "/de/"
    english = entering(client, "/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert english.status_code == 200
    assert english["Content-Language"] == "en"


def test_a_language_in_the_path_wins(client):
    portal("fr", host_names="report.example.fr", default_language="fr")
    response = entering(client, "/de/")
    assert response.status_code == 200
    assert response["Content-Language"] == "de"


def test_a_prefixed_portal_sends_its_visitors_to_its_language_inside_its_prefix(client):
    portal("fr2", default_language="fr")
    assert client.get("/p/fr2/", HTTP_SEC_FETCH_SITE="none")["Location"] == "/p/fr2/fr/"
    assert client.get("/p/fr2/fr/")["Content-Language"] == "fr"


def test_the_portal_middleware_must_run_before_locale_middleware(settings):
    assert not [e for e in run_checks() if e.id.startswith("portals.")]
    portal_mw = "portals.middleware.PortalMiddleware"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != portal_mw] + [portal_mw]
    assert [e.id for e in run_checks() if e.id.startswith("portals.")] == ["portals.E002"]
