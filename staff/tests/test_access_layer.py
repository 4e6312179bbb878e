"""staff.access.staff_view: the one gate in front of every staff page."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from staff.access import client_ip, staff_view
from testsupport.personas import login_password_only, make_staff

pytestmark = pytest.mark.django_db


@staff_view("staff.view_audit")
def audited_only(request):
    return HttpResponse("secret stuff")


@staff_view()
def any_staff(request):
    return HttpResponse("staff stuff")


def request_as(rf, user, *, verified: bool):
    request = rf.get("/somewhere/?x=1")
    request.user = user
    user.is_verified = lambda: verified
    return request


def test_anonymous_visitors_go_to_the_login_page_and_come_back(rf):
    request = rf.get("/somewhere/?x=1")
    request.user = AnonymousUser()
    response = any_staff(request)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fsomewhere%2F%3Fx%3D1"
    assert "no-store" in response["Cache-Control"]


def test_unverified_people_go_to_verify_or_to_enrol(rf, django_user_model):
    enrolled = make_staff("analyst")
    assert any_staff(request_as(rf, enrolled, verified=False))["Location"].startswith("/staff/verify/")
    fresh = django_user_model.objects.create_user("fresh")
    # With no factor the verify page tells them to ask for an enrolment link.
    assert any_staff(request_as(rf, fresh, verified=False))["Location"].startswith("/staff/verify/")


def test_a_verified_person_without_the_permission_gets_a_403_page(rf):
    response = audited_only(request_as(rf, make_staff("senior"), verified=True))
    assert response.status_code == 403
    assert b"secret stuff" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_verified_person_with_the_permission_gets_the_page(rf):
    response = audited_only(request_as(rf, make_staff("manager"), verified=True))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_inactive_account_is_treated_as_signed_out(rf):
    user = make_staff("manager", is_active=False)
    assert audited_only(request_as(rf, user, verified=True))["Location"].startswith("/staff/login/")


def test_the_decorator_must_be_called(rf):
    with pytest.raises(TypeError):
        staff_view(any_staff)


def test_staff_pages_carry_the_strict_headers(manager_client):
    response = manager_client.get("/staff/audit/")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "img-src 'self'" in csp


def test_no_staff_page_has_inline_script_or_style(manager_client, client):
    login_password_only(client, make_staff("analyst"))
    pages = [manager_client.get(p) for p in ("/staff/", "/staff/audit/", "/staff/password/")]
    pages.append(client.get("/staff/verify/"))
    for response in pages:
        body = response.content.decode()
        # Scripts come from this site (src=); the one other kind allowed is a
        # JSON data block (the passkey script's settings), which never runs.
        for tag in re.findall(r"<script[^>]*>", body):
            assert " src=" in tag or 'type="application/json"' in tag, tag
        assert "<style" not in body and " style=" not in body


def test_lockouts_read_the_client_address_from_the_configured_header(rf, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="203.0.113.5", REMOTE_ADDR="10.0.0.1")) == "203.0.113.5"
