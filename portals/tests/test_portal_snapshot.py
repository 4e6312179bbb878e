"""Each web process keeps the portals for a short while instead of reading them on every request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portals import selectors
from portals.models import Portal
from testsupport.portals import portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl"]


def page_title(client, host: str = "report.example.nl") -> str:
    html = client.get("/status/", HTTP_HOST=host).content.decode()
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_public_pages_read_the_portals_once_per_snapshot(client):
    portal(host_names="report.example.nl")
    page_title(client)
    with CaptureQueriesContext(connection) as later:
        page_title(client)
        page_title(client, host="testserver")
    assert not [q for q in later.captured_queries if "portals_portal" in q["sql"]]


def test_a_portal_saved_here_is_served_at_once(client):
    nl = portal(host_names="report.example.nl")
    assert page_title(client).endswith("Meldpunt NL")
    nl.name = "Meldpunt Nederland"
    nl.save()
    assert page_title(client).endswith("Meldpunt Nederland")
    nl.delete()
    assert "Meldpunt" not in page_title(client)


def test_a_change_made_through_another_machine_is_served_after_the_snapshot_time(client, monkeypatch):
    portal(host_names="report.example.nl")
    assert page_title(client).endswith("Meldpunt NL")
    # An UPDATE sends no signal here, as a save on another web machine would not.
    Portal.objects.filter(slug="nl").update(name="Meldpunt Nederland")
    assert page_title(client).endswith("Meldpunt NL")

    clock = selectors.time.monotonic() + selectors.SNAPSHOT_SECONDS + 1
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock)
    assert page_title(client).endswith("Meldpunt Nederland")


def test_a_deactivated_portal_stops_answering_for_its_slug_and_host(client):
    nl = portal(host_names="report.example.nl")
    assert client.get("/p/nl/").status_code == 200
    nl.active = False
    nl.save()
    assert client.get("/p/nl/").status_code == 404
    assert "Meldpunt" not in page_title(client)
