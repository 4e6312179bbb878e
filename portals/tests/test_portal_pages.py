"""What a reporter sees of a portal: its name, introduction, helpline and support links, all escaped."""

import pytest

from testsupport.portals import portal
from testsupport.reports import confirmation_codes, post_form, report_data, send_report

pytestmark = pytest.mark.django_db

HELP = {
    "helpline_name": "Kindertelefoon",
    "helpline_phone": "+31 (0)800 0432",
    "helpline_url": "https://www.kindertelefoon.example/",
    "support_links": "Slachtofferhulp | https://help.example/\nStop it Now | http://stop.example/nl",
}


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl"]


def nl_portal(**fields):
    defaults = {"host_names": "report.example.nl", "intro": "Meld hier anoniem.\n\nWij zijn er voor je."}
    return portal(**defaults | HELP | fields)


def test_the_form_shows_the_portals_name_and_introduction(client):
    nl_portal()
    html = client.get("/", HTTP_HOST="report.example.nl").content.decode()
    assert "<title>Report child sexual abuse material · Meldpunt NL</title>" in html
    assert '<a class="site-name" href="/">Meldpunt NL</a>' in html
    assert "<p>Meld hier anoniem.</p>\n\n<p>Wij zijn er voor je.</p>" in html


def test_the_introduction_is_marked_with_the_portals_language(client):
    nl_portal(default_language="de", intro="Hallo")
    html = client.get("/", HTTP_HOST="report.example.nl", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<div class="portal-intro" lang="de"><p>Hallo</p></div>' in html


def test_the_default_portal_keeps_its_own_name_and_shows_no_introduction(client, settings):
    html = client.get("/").content.decode()
    assert "Meldpunt" not in html
    assert 'class="portal-intro"' not in html


def test_the_confirmation_shows_the_local_helpline_and_support_links(client):
    nl_portal()
    html = send_report(client, HTTP_HOST="report.example.nl").content.decode()
    assert "<strong>Kindertelefoon</strong>" in html
    assert '<a href="tel:+3108000432">+31 (0)800 0432</a>' in html
    assert 'href="https://www.kindertelefoon.example/" rel="noopener noreferrer">' in html
    assert '<a href="https://help.example/" rel="noopener noreferrer">Slachtofferhulp</a>' in html
    assert '<a href="http://stop.example/nl" rel="noopener noreferrer">Stop it Now</a>' in html


def test_a_portal_without_help_details_shows_no_empty_box(client):
    html = send_report(client).content.decode()
    assert "portal-help" not in html


def test_the_status_page_shows_the_helpline_after_a_look_up(client):
    nl_portal()
    reference, receipt = confirmation_codes(send_report(client, HTTP_HOST="report.example.nl"))
    assert "Kindertelefoon" not in client.get("/status/", HTTP_HOST="report.example.nl").content.decode()
    looked_up = post_form(
        client, "/status/", {"reference": reference, "receipt": receipt}, HTTP_HOST="report.example.nl"
    )
    assert looked_up.context["found"]
    assert "<strong>Kindertelefoon</strong>" in looked_up.content.decode()


def test_what_managers_type_is_shown_escaped(client):
    nl_portal(
        name="<b>NL</b>",
        intro="<script>alert(1)</script>",
        helpline_name="<img src=x>",
        support_links="<i>Help</i> | https://help.example/?a=1&b=<2>",
    )
    html = send_report(client, HTTP_HOST="report.example.nl").content.decode()
    html += client.get("/", HTTP_HOST="report.example.nl").content.decode()
    for raw in ("<b>NL</b>", "<script>alert(1)</script>", "<img src=x>", "<i>Help</i>", "b=<2>"):
        assert raw not in html
    assert "&lt;b&gt;NL&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Help&lt;/i&gt;" in html


def test_the_prefixed_portals_form_posts_and_confirms_inside_its_prefix(client):
    nl_portal(slug="nl2", host_names="")
    response = post_form(client, "/p/nl2/", report_data())
    assert response.status_code == 200
    assert "Kindertelefoon" in response.content.decode()
