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
