import pytest

from testsupport.personas import login_password_only, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/staff/", "/staff/audit/", "/staff/audit/export.csv", "/staff/password/"])
def test_a_password_alone_does_not_open_a_staff_page(client, path):
    login_password_only(client, make_staff("manager", is_staff=True))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/verify/?next=")


def test_a_password_alone_does_not_open_the_admin(client):
    login_password_only(client, make_staff("manager", is_staff=True))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/verify/")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/staff/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_refusals_are_never_cached(client):
    assert client.get("/staff/audit/")["Cache-Control"] == "no-store"
