"""Helpers for tests that need staff people (any app's tests may use them).

    from testsupport.personas import make_staff, login_verified, totp_now

    user = make_staff("analyst")                 # in the Analyst group, with a confirmed TOTP device
    login_verified(client, user)                 # client is now signed in past the second factor
    client.get("/triage/")

Roles: "analyst", "senior", "manager", or "outsider" (no group at all).
The pytest fixtures built on these live in testsupport/fixtures.py.
"""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.roles import ROLES, roles_sync
from staff.sessions import PENDING, pending_record

# Long enough and uncommon enough for the password validators.
TEST_PASSWORD = "correct horse battery staple 42"  # noqa: S105  (tests only)
_counter = itertools.count(1)


class FormClient(Client):
    """A test client that posts as a browser posts a plain form: urlencoded.

    The site refuses every multipart body (it takes no uploads), and Django's
    test client posts multipart unless told otherwise.
    """

    def post(self, path, data=None, content_type="application/x-www-form-urlencoded", **extra):
        if content_type == "application/x-www-form-urlencoded" and isinstance(data, dict):
            data = urlencode(data, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


def make_staff(role: str, username: str | None = None, *, password: str = TEST_PASSWORD, **fields):
    """A staff account in `role`'s group with a confirmed TOTP device (user.totp_device)."""
    if role != "outsider" and role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {sorted(ROLES)} or 'outsider'")
    username = username or f"{role}{next(_counter)}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if role != "outsider":
        group = Group.objects.filter(name=ROLES[role].group).first()
        if group is None:
            roles_sync()
            group = Group.objects.get(name=ROLES[role].group)
        user.groups.add(group)
    user.totp_device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    return user


def totp_now(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the device's authenticator app shows now (or `offset_steps` steps away)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps)
    return f"{code:0{device.digits}d}"


def recovery_codes_make(user, count: int = 10) -> list[str]:
    """Give the user a fresh set of recovery codes and return them (as shown: "abcde-fghjk").

    Only their hashes are stored (staff.recovery), so keep the returned list:
    it is the only place the plain codes exist.
    """
    from staff.services import recovery_codes_issue

    return recovery_codes_issue(user=user, count=count)


def login_verified(client: Client, user) -> Client:
    """Sign the test client in as `user` and mark the session as past the second factor."""
    device = getattr(user, "totp_device", None) or TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user  # type: ignore[attr-defined]
    return client


def login_password_only(client: Client, user) -> Client:
    """Past the password step but not the second factor.

    As the real sign-in leaves it: not logged in yet (request.user is
    anonymous), the user kept as pending in the session (staff.sessions).
    """
    session = client.session
    session[PENDING] = pending_record(user, "django.contrib.auth.backends.ModelBackend")
    session.save()
    client.user = user  # type: ignore[attr-defined]
    return client


__all__ = [
    "TEST_PASSWORD",
    "FormClient",
    "StaticDevice",
    "login_password_only",
    "login_verified",
    "make_staff",
    "recovery_codes_make",
    "totp_now",
]
