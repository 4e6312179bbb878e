"""Reading the audit trail."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from staff.models import AuditEvent


def audit_events_filtered(*, actor: str = "", action: str = "", since=None, until=None) -> QuerySet[AuditEvent]:
    """Newest first. `actor` matches the recorded name (exactly, ignoring case);
    `since` and `until` are dates, both days included."""
    events = AuditEvent.objects.select_related("actor")
    if actor:
        events = events.filter(Q(actor_username__iexact=actor) | Q(actor__username__iexact=actor))
    if action:
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min), zone))
    if until:
        events = events.filter(at__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), zone))
    return events.order_by("-at", "-id")


# --- Enrolment links ---------------------------------------------------------------


def accounts_without_second_factor(limit: int = 200) -> list:
    """Active accounts that cannot sign in yet: no authenticator, passkey or recovery code."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    with_factor = set()
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        with_factor.update(model.objects.filter(confirmed=True).values_list("user_id", flat=True))
    users = get_user_model().objects.filter(is_active=True).exclude(pk__in=with_factor).order_by("username")
    return list(users[:limit])


def enrolment_links_recent(limit: int = 20) -> list:
    from staff.enrolment import enrolment_link_state
    from staff.models import EnrolmentLink

    links = list(EnrolmentLink.objects.select_related("user", "created_by")[:limit])
    for link in links:
        link.state = enrolment_link_state(link)
    return links
