"""The form and the confirmation are drawn once per language and portal; each visitor's values are filled in."""

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from publicsite import formguard, pages
from testsupport.portals import portal
from testsupport.reports import confirmation_codes, csrf_token_of, send_report

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def test_the_form_is_drawn_once_and_every_visitor_gets_their_own_tokens(client):
    first = client.get("/")
    again = client.get("/")
    assert first.templates and not again.templates  # the second came from the kept page
    assert csrf_token_of(first) != csrf_token_of(again)
    assert TOKEN.search(first.content.decode()).group(1) != TOKEN.search(again.content.decode()).group(1)
    for response in (first, again):
        assert formguard.token_check(token=TOKEN.search(response.content.decode()).group(1), honeypot="") != "stale"
        assert "rs-hole-" not in response.content.decode()


def test_a_kept_form_still_takes_a_report(client):
    client.get("/")
    client.get("/")
    assert confirmation_codes(send_report(client))[0].startswith("R-")


def test_each_reporter_sees_their_own_codes_on_a_kept_confirmation(client):
    first, second = send_report(client, "http://example.com/1"), send_report(client, "http://example.com/2")
    assert not second.templates
    assert confirmation_codes(first) != confirmation_codes(second)
    assert "rs-hole-" not in second.content.decode()


def test_languages_and_portals_are_kept_apart(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl"]
    portal(host_names="report.example.nl")
    english, french = client.get("/").content.decode(), client.get("/fr/").content.decode()
    dutch_portal = client.get("/", HTTP_HOST="report.example.nl").content.decode()
    assert '<html lang="en"' in english and '<html lang="fr"' in french
    assert "Meldpunt NL" in dutch_portal and "Meldpunt NL" not in english


def test_filled_in_values_are_escaped():
    request = RequestFactory().get("/")
    response = pages.page_with_holes(request, "reports/confirmation.html", {"reference": "<b>&", "receipt": "x"})
    assert isinstance(response, HttpResponse)
    body = response.content.decode()
    assert '<dd class="code" id="reference">&lt;b&gt;&amp;</dd>' in body
