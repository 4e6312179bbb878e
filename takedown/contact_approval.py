"""A manager approves or rejects an abuse contact found over RDAP.

A contact found automatically is never used until a person has looked at
it (as the Dutch hotline's SCART does): a wrong address would send a list
of abuse addresses to a stranger. Approving it routes the takedowns that
were waiting for it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from staff.audit import audit_record
from staff.models import AuditEvent
from takedown import lifecycle
from takedown.models import Recipient

PERMISSION = "takedown.approve_contact"


class ContactApprovalError(Exception):
    """A rule refused the approval or rejection; the message is for the manager. Nothing was changed."""


def _pending(recipient_id: int, user) -> Recipient:
    """The contact, locked, if `user` may decide on it and it is still waiting for a decision."""
    if not user.has_perm(PERMISSION):
        raise ContactApprovalError("Only a manager can approve or reject an abuse contact.")
    current = Recipient.objects.select_for_update().filter(pk=recipient_id).first()
    if current is None:
        raise ContactApprovalError("That contact no longer exists.")
    if current.kind != Recipient.Kind.HOSTING_PROVIDER:
        raise ContactApprovalError(f"{current.name} is not a hosting provider's abuse contact.")
    if current.approved:
        raise ContactApprovalError(f"{current.name} is already approved.")
    if not current.active:
        raise ContactApprovalError(f"{current.name} was rejected or deactivated; make it active again first.")
    return current


def contact_approve(*, recipient: Recipient, user, request=None) -> int:
    """Approve a contact waiting for approval; returns how many held takedowns it then routed."""
    with transaction.atomic():
        current = _pending(recipient.pk, user)
        try:
            current.clean()
        except ValidationError as exc:
            problems = "; ".join(message for messages in exc.message_dict.values() for message in messages)
            raise ContactApprovalError(f"Correct {current.name} before approving it: {problems}") from exc
        current.approved = True
        current.approved_by = user
        current.approved_at = timezone.now()
        current.save(update_fields=["approved", "approved_by", "approved_at"])
        audit_record(
            actor=user,
            action=AuditEvent.Action.CONTACT_APPROVED,
            target=current,
            summary=f"{current.name} <{current.email}> ({current.get_source_display().lower()})",
            details={"recipient": current.pk, "source": current.source, "handle": current.rdap_handle},
            request=request,
        )
    # After the commit: routing locks each takedown in its own transaction.
    return lifecycle.takedowns_route_held()


def contact_reject(*, recipient: Recipient, user, reason: str = "", request=None) -> None:
    """Reject a contact waiting for approval: it is deactivated (kept, so it is not proposed again).

    Held takedowns are not routed again: a rejection gives none of them a contact.
    """
    reason = reason.strip()
    with transaction.atomic():
        current = _pending(recipient.pk, user)
        note = f"Rejected by {user.get_username()} on {timezone.now():%Y-%m-%d}" + (f": {reason}" if reason else ".")
        current.active = False
        current.notes = f"{current.notes}\n{note}".strip()
        current.save(update_fields=["active", "notes"])
        audit_record(
            actor=user,
            action=AuditEvent.Action.CONTACT_REJECTED,
            target=current,
            summary=f"{current.name} <{current.email}>" + (f": {reason}" if reason else ""),
            details={"recipient": current.pk, "source": current.source, "reason": reason[:500]},
            request=request,
        )
