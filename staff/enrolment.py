"""Enrolling a second factor: one-time links made by a manager, and a fresh secret per attempt.

A password alone never reaches an enrolment secret. Someone with no second
factor cannot sign in at all; a manager (or, for the first manager of a new
install, `manage.py enrolment_link`) makes a one-time link for them. The link
and the account's password together start one enrolment attempt in one
browser session; that attempt, and only it, holds a freshly made TOTP secret
(kept in the session, never in an unconfirmed device a second visitor could
be handed). Confirming an authenticator or registering a passkey uses the
link up and ends every other link of that person.

Links are stored as a SHA-256 digest of a 256-bit random token: a copy of
the database yields no usable link.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from staff.audit import audit_record
from staff.models import AuditEvent, EnrolmentLink

# The enrolment attempt of this browser session: {"user", "link", "totp_key"}.
ENROLLING = "staff_enrolling"

logger = logging.getLogger(__name__)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_second_factor(user) -> bool:
    """Any confirmed device at all: authenticator, passkey or recovery codes."""
    return user_has_device(user, confirmed=True)


def has_primary_factor(user) -> bool:
    """An authenticator app or a passkey: what a link enrols. Recovery codes alone are a way
    back in, not a factor to enrol around: a manager may give such an account a link."""
    from django_otp_webauthn.models import WebAuthnCredential

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def enrolment_link_refusal(*, actor, user) -> str:
    """Why `actor` may not make an enrolment link for `user`; "" when they may.

    The same narrowing as staff.admin: nobody for themselves, superusers and
    Managers only by a superuser. And never for an account that still has an
    authenticator app or a passkey: a lost one is removed first (in the admin),
    on the trail. Recovery codes alone do not stop a link, and are kept.
    """
    if not user.is_active:
        return f"{user.get_username()}'s account is deactivated."
    if has_primary_factor(user):
        return (
            f"{user.get_username()} already has an authenticator app or a passkey. "
            "If it is lost, remove it in the admin first."
        )
    if actor is None:  # the command line: whoever can run it already holds the server
        return ""
    if actor.pk == user.pk:
        return "You cannot make an enrolment link for yourself."
    if not actor.has_perm("auth.change_user"):
        return "You may not change staff accounts."
    if not actor.is_superuser and (user.is_superuser or user.groups.filter(name="Manager").exists()):
        return "Only a superuser can make an enrolment link for a manager or a superuser."
    return ""


@transaction.atomic
def enrolment_link_create(*, user, created_by=None, hours: int | None = None) -> tuple[EnrolmentLink, str]:
    """Make a link for `user`, ending their older ones; returns (link, token). The token is shown once."""
    refusal = enrolment_link_refusal(actor=created_by, user=user)
    if refusal:
        raise ValueError(refusal)
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at=None, ended_at=None).update(ended_at=now)
    token = secrets.token_urlsafe(32)
    hours = hours or settings.ENROLMENT_LINK_HOURS
    link = EnrolmentLink.objects.create(
        user=user, created_by=created_by, token_digest=_digest(token), expires_at=now + timedelta(hours=hours)
    )
    audit_record(
        actor=created_by,
        actor_username="" if created_by else "(command line)",
        action=AuditEvent.Action.ENROLMENT_LINK_CREATED,
        target=user,
        summary=f"Made an enrolment link for {user.get_username()}, good for {hours} hours",
        details={"link": link.pk, "expires_at": link.expires_at.isoformat(), "via": "page" if created_by else "cli"},
    )
    return link, token


def enrolment_link_path(token: str) -> str:
    """The link's path. The token rides in the query string, which the access logs leave out
    (nginx logs $uri, gunicorn %(U)s); the page posts it back in the form body."""
    from urllib.parse import urlencode

    from django.urls import reverse

    return f"{reverse('staff:enrol_link')}?{urlencode({'t': token})}"


def enrolment_link_find(token: str) -> EnrolmentLink | None:
    if not token or len(token) > 100:
        return None
    return EnrolmentLink.objects.select_related("user").filter(token_digest=_digest(token)).first()


def enrolment_link_state(link: EnrolmentLink | None) -> str:
    """ "usable", or why not: "unknown", "used", "ended", "expired"."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.ended_at is not None:
        return "ended"
    if link.expires_at <= timezone.now():
        return "expired"
    return "usable"


def enrolment_link_opened(*, link: EnrolmentLink) -> None:
    EnrolmentLink.objects.filter(pk=link.pk, opened_at=None).update(opened_at=timezone.now())
    audit_record(
        actor=None,
        actor_username=link.user.get_username(),
        action=AuditEvent.Action.ENROLMENT_LINK_OPENED,
        target=link.user,
        summary="Opened an enrolment link",
        details={"link": link.pk},
    )


def enrolment_link_refused(*, link: EnrolmentLink | None, reason: str) -> None:
    if link is None:
        # An unknown token names no account: anyone could write such rows without end, so
        # the trail keeps refusals of real links only, and a made-up one is a log line.
        logger.warning("enrolment link refused: no such link")
        return
    audit_record(
        actor=None,
        actor_username=link.user.get_username(),
        action=AuditEvent.Action.ENROLMENT_LINK_REFUSED,
        target=link.user,
        summary=f"Enrolment link refused: {reason}",
        details={"link": link.pk, "reason": reason},
    )


def enrolment_link_claim(*, link_id: int, user) -> bool:
    """Use the link up, once: True for the one caller that did. Ends the person's other links too.

    Call inside the transaction that saves the new device, so a failure
    after this leaves the link usable.
    """
    now = timezone.now()
    claimed = EnrolmentLink.objects.filter(
        pk=link_id, user=user, used_at=None, ended_at=None, expires_at__gt=now
    ).update(used_at=now)
    if claimed:
        EnrolmentLink.objects.filter(user=user, used_at=None, ended_at=None).update(ended_at=now)
    return bool(claimed)


# --- The attempt, in the browser session ----------------------------------------


def attempt_start(request, *, user, link: EnrolmentLink) -> None:
    """After the link and the right password: a new attempt with a secret of its own."""
    request.session[ENROLLING] = {"user": str(user.pk), "link": link.pk, "totp_key": random_hex(20)}


def attempt_clear(request) -> None:
    request.session.pop(ENROLLING, None)


def attempt_for(request, user) -> dict | None:
    """This session's attempt for `user`, if its link is still usable; else None (and dropped)."""
    record = request.session.get(ENROLLING)
    if not isinstance(record, dict) or record.get("user") != str(user.pk):
        return None
    link = EnrolmentLink.objects.filter(pk=record.get("link"), user=user).first()
    if enrolment_link_state(link) != "usable":
        attempt_clear(request)
        return None
    return record


def totp_key_for(request, user) -> str:
    """The secret of this session's attempt; a signed-in person adding an app gets one per session too."""
    record = request.session.get(ENROLLING)
    if isinstance(record, dict) and record.get("user") == str(user.pk) and record.get("totp_key"):
        return record["totp_key"]
    record = {"user": str(user.pk), "link": None, "totp_key": random_hex(20)}
    request.session[ENROLLING] = record
    return record["totp_key"]


def totp_config(*, user, key: str) -> TOTPDevice:
    """An unsaved device holding `key`, for its otpauth:// URL (QR code) and checks."""
    return TOTPDevice(user=user, key=key, name="Authenticator", confirmed=False)


@dataclass(frozen=True)
class Enrolled:
    device: TOTPDevice | None
    refused: str = ""  # why nothing was saved though the code was right


@transaction.atomic
def totp_enrol(*, user, key: str, code: str, link_id: int | None) -> Enrolled:
    """Save a confirmed authenticator if `code` comes from `key`; use the link up if there is one."""
    code = "".join(code.split()).replace("-", "")
    if not code.isdigit():
        return Enrolled(None)
    device = totp_config(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return Enrolled(None)
    if link_id is not None:
        if not enrolment_link_claim(link_id=link_id, user=user):
            return Enrolled(None, refused="This enrolment link has been used or has ended.")
    elif TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return Enrolled(None, refused="You already have an authenticator app.")
    # Leftovers of the old flow, which kept a pending device per account.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.confirmed = True
    device.last_t = totp.t()  # the code just typed cannot be used again to sign in
    device.save()
    return Enrolled(device)
