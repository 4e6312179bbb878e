"""Writing the audit trail: the one function every staff action calls.

    from staff.audit import audit_record
    from staff.models import AuditEvent

    audit_record(actor=request.user, action=AuditEvent.Action.ASSESSED, target=record,
                 summary="Category A", details={"assessment": assessment.pk}, request=request)

Call it inside the same transaction as the change it describes, so the row
exists exactly when the change does. `details` must be JSON-serialisable and
must never hold a reporter's data (contact, description, client address).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from staff.models import AuditEvent


def _target_identity(target: object | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple) and len(target) == 2:
        # ("triage.record", 42) for something not at hand as an instance.
        return str(target[0]), str(target[1])
    return type(target).__name__.lower(), str(target)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: object | None = None,
    summary: str = "",
    details: dict | None = None,
    request: Any = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one event to the trail and return it.

    actor: the staff user acting (None or an anonymous user for events without
    one; if then a request with a logged-in user is given, that user is the
    actor). target: a model instance, an ("app.model", id) pair, or None.
    actor_username: only for events without an account, e.g. the name typed
    at a failed login.
    """
    if (actor is None or not getattr(actor, "is_authenticated", False)) and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}: add it to AuditEvent.Action")
    target_type, target_id = _target_identity(target)
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else (actor_username or ""))[:150],
        action=action,
        target_type=target_type[:100],
        target_id=target_id[:64],
        summary=summary[:300],
        details=details or {},
    )
