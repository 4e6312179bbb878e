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
