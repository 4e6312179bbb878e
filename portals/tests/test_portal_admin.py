"""Managers keep the portals in the admin; analysts cannot; changes are on the audit trail."""

import pytest

from portals.models import Portal
from staff.models import AuditEvent
from testsupport.portals import default_portal

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Meldpunt NL",
    "slug": "nl",
    "host_names": "report.example.nl",
    "active": "on",
    "intro": "",
    "default_language": "fr",
    "helpline_name": "",
    "helpline_phone": "",
    "helpline_url": "",
    "support_links": "Help | https://help.example/",
    "home_country": "nl",
}


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl"]


def test_a_manager_sees_and_adds_portals(manager_client):
    assert manager_client.get("/admin/portals/portal/").status_code == 200
    assert manager_client.get("/admin/portals/portal/add/").status_code == 200
    response = manager_client.post("/admin/portals/portal/add/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Portal.objects.get(slug="nl")
    assert (added.home_country, added.default_language, added.is_default) == ("NL", "fr", False)
    assert AuditEvent.objects.filter(target_type__icontains="portal").exists()


def test_the_admin_refuses_an_unsafe_link_and_stores_nothing(manager_client):
    response = manager_client.post("/admin/portals/portal/add/", FORM | {"support_links": "Help | javascript:alert(1)"})
    assert response.status_code == 200
    assert "only http and https" in response.content.decode()
    assert not Portal.objects.filter(slug="nl").exists()


def test_portals_are_never_deleted(manager_client):
    assert manager_client.get(f"/admin/portals/portal/{default_portal().pk}/delete/").status_code in (302, 403)
    assert Portal.objects.filter(is_default=True).exists()


def test_an_analyst_cannot_reach_the_portal_admin(analyst_client):
    response = analyst_client.get("/admin/portals/portal/")
    assert response.status_code in (302, 403)
    assert not Portal.objects.filter(slug="nl").exists()
    assert analyst_client.post("/admin/portals/portal/add/", FORM).status_code in (302, 403)
    assert not Portal.objects.filter(slug="nl").exists()
