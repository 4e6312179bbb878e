"""Driving the real sign-in pages, as a person at a browser would."""

from __future__ import annotations

from django.test import Client

from testsupport.personas import TEST_PASSWORD, totp_now


def sign_in_password(client: Client, username: str, password: str = TEST_PASSWORD, **meta):
    return client.post("/staff/login/", {"username": username, "password": password}, **meta)


def send_code(client: Client, code: str, **meta):
    return client.post("/staff/verify/", {"otp_token": code}, **meta)


def sign_in(client: Client, user, **meta):
    """Both steps, through the views; returns the second step's response."""
    response = sign_in_password(client, user.username, **meta)
    assert response.status_code == 302, response.content
    return send_code(client, totp_now(user.totp_device), **meta)


def is_signed_in(client: Client) -> bool:
    """Can this client open a staff page right now?"""
    return client.get("/staff/").status_code == 200


def open_enrolment_link(client: Client, user, password: str = TEST_PASSWORD, *, manager=None):
    """A link made for `user`, opened and its password typed: returns the enrolment page."""
    from staff.enrolment import enrolment_link_create

    _link, token = enrolment_link_create(user=user, created_by=manager)
    client.get(f"/staff/enrol/link/?t={token}")
    response = client.post("/staff/enrol/link/", {"t": token, "password": password})
    assert response.status_code == 302, response.content
    return client.get("/staff/enrol/")


def enrolment_code(client: Client) -> str:
    """The code an app that scanned this session's enrolment secret shows now."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff.enrolment import ENROLLING

    return totp_now(TOTPDevice(key=client.session[ENROLLING]["totp_key"]))
