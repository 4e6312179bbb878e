"""The dashboard is for managers only, behind the same second factor as every staff page."""

import pytest

from testsupport.personas import FormClient, login_password_only

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_the_login_page(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_a_password_alone_leads_to_the_second_factor(manager):
    client = login_password_only(FormClient(), manager)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/verify/")


def test_analysts_and_senior_analysts_are_refused(analyst_client, senior_client):
    assert analyst_client.get("/dashboard/").status_code == 403
    assert senior_client.get("/dashboard/").status_code == 403
    assert analyst_client.get("/dashboard/?format=csv&chart=analysts").status_code == 403


def test_managers_see_it_and_it_is_never_cached(manager_client):
    response = manager_client.get("/dashboard/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_staff_bar_links_it_for_managers_only(manager_client, analyst_client):
    assert 'href="/dashboard/"' in manager_client.get("/staff/").content.decode()
    assert 'href="/dashboard/"' not in analyst_client.get("/staff/").content.decode()
