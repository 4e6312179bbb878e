"""Receivers: session timestamps at login, and the trail for sign-in events.

Sign-in events are recorded here, from Django's and django-axes' signals,
rather than in the views, so that every way of signing in or out (our pages,
the admin's logout, the session limits) leaves the same rows.
"""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from staff.audit import audit_record
from staff.models import AuditEvent
from staff.sessions import LOGIN_AT, LOGOUT_REASON, SEEN_AT, sessions_end_for_user


@receiver(user_logged_in, dispatch_uid="staff.session_start")
def _session_start(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


@receiver(user_login_failed, dispatch_uid="staff.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; only the typed name is kept.
    typed = str(credentials.get("username") or "")
    stage = credentials.get("stage", "password")
    summary = {
        "second_factor": "Wrong second-factor code",
        "enrolment": "Wrong code while enrolling an authenticator",
        "enrolment_link": "Wrong password at an enrolment link",
        "passkey": "Passkey sign-in failed",
        "passkey_registration": "Passkey registration failed",
    }.get(stage, "Wrong username or password, or refused")
    audit_record(
        actor=None,
        actor_username=typed,
        action=AuditEvent.Action.LOGIN_FAILED,
        summary=summary,
        details={"stage": stage},
    )


@receiver(user_logged_out, dispatch_uid="staff.audit_logout")
def _audit_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON, "") if request is not None else ""
    audit_record(actor=user, action=AuditEvent.Action.LOGOUT, summary=reason or "Logged out")


@receiver(user_locked_out, dispatch_uid="staff.audit_lockout")
def _audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    from staff.lockout import ACCOUNT_BRAKE

    failures = getattr(request, "axes_failures_since_start", None)
    if getattr(request, ACCOUNT_BRAKE, False):
        # The slower per-account brake (staff.lockout), not the name-and-address pair.
        summary = "Account paused: too many failures from several addresses"
        if not failures:
            summary = "Attempt while the account is paused"
        details = {"lock": "account", **({"failures": failures} if failures else {})}
    else:
        summary = "Locked out after repeated failures" if failures else "Attempt while locked out"
        details = {"lock": "name_and_address", **({"failures": failures} if failures else {})}
    audit_record(
        actor=None,
        actor_username=str(username or ""),
        action=AuditEvent.Action.LOCKOUT,
        summary=summary,
        details=details,
    )


@receiver(pre_save, sender=get_user_model(), dispatch_uid="staff.end_sessions_on_deactivation")
def _end_sessions_on_deactivation(sender, instance, **kwargs) -> None:
    # Django already refuses an inactive user on their next request; deleting
    # the sessions as well means nothing of theirs outlives the switch.
    if instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        sessions_end_for_user(instance)
