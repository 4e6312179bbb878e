"""A request gets its portal by host name, or by the /p/<slug>/ prefix; anything else gets the default."""

import pytest

from testsupport.portals import default_portal, portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl", "report.example.ua"]


def portal_of(response):
    return response.wsgi_request.portal


def test_migrate_leaves_exactly_one_default_portal_named_after_the_hotline(settings):
    chosen = default_portal()
    assert chosen.active
    assert chosen.slug == "default"
    assert chosen.home_country == ""  # follows HOME_COUNTRY


def test_an_unclaimed_host_gets_the_default_portal(client):
    portal(host_names="report.example.nl")
    assert portal_of(client.get("/")).is_default


def test_a_host_name_chooses_its_portal_whatever_its_case_and_port(client):
    nl = portal(host_names="report.example.nl")
    assert portal_of(client.get("/", HTTP_HOST="Report.Example.NL:8443")) == nl


def test_an_inactive_portals_host_gets_the_default(client):
    portal(host_names="report.example.nl", active=False)
    assert portal_of(client.get("/", HTTP_HOST="report.example.nl")).is_default


def test_a_portal_is_also_served_under_its_prefix_and_its_links_stay_inside_it(client):
    ua = portal("ua", name="Portal UA")
    page = client.get("/p/ua/")
    assert page.status_code == 200
    assert portal_of(page) == ua
    html = page.content.decode()
    assert 'action="/p/ua/"' in html
    assert 'href="/p/ua/status/"' in html
    assert client.get("/p/ua/status/").status_code == 200


def test_the_prefix_does_not_leak_into_the_next_request(client):
    from django.urls import reverse

    portal("ua")
    assert '<a class="site-name" href="/p/ua/">' in client.get("/p/ua/").content.decode()
    assert reverse("reports:form") == "/"
    html = client.get("/").content.decode()
    assert 'action="/"' in html
    # The header is drawn once per portal and prefix (see base.html): not the prefixed one again.
    assert '<a class="site-name" href="/">' in html
    assert 'href="/p/ua/' not in html


def test_the_prefix_without_its_slash_is_redirected(client):
    portal("ua")
    response = client.get("/p/ua")
    assert response.status_code == 301
    assert response["Location"] == "/p/ua/"


def test_an_unknown_or_inactive_prefix_is_not_found(client):
    portal("ua", active=False)
    assert client.get("/p/ua/").status_code == 404
    assert client.get("/p/nowhere/").status_code == 404


def test_only_the_public_pages_are_served_under_a_prefix(client):
    portal("ua")
    assert client.get("/p/ua/staff/login/").status_code == 404
    assert client.get("/p/ua/admin/").status_code == 404
    assert client.get("/p/ua/no-such-page/").status_code == 404
    assert client.get("/staff/login/").status_code == 200
