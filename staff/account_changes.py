"""The two-person rule for staff accounts (issue 15, item 3).

One manager alone must not be able to become someone else: reset their
password, remove their second factor, enrol as them and then pass four eyes
alone. So roles, the password, second-factor devices and reactivation are
never changed directly (the admin is read-only for them, staff.admin): a
manager asks (account_change_request), a *different* manager approves
(account_change_approve) or rejects it before it expires, and it is applied
in the approving transaction. Nobody asks for or approves changes to their own
account; both people must be allowed to act on the account
(account_change_refusal). Every step is on the trail.

Deactivating is the one change that needs no second person: taking access
away must not wait. Reactivating does.

The operator on the server is trusted (they hold the database anyway): the
`account_change` management command approves or rejects as "the operator",
audited, which is how a fresh install with a single manager gets going.

Adding a kind (e.g. an enrolment link for an account that already has
devices): a Kind value, a payload check in _payload_clean and an entry in
_APPLY.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user

from staff.audit import audit_record
from staff.models import AccountChangeRequest, AuditEvent
from staff.roles import MANAGER, ROLE_ORDER
from staff.sessions import sessions_end_for_user

Kind = AccountChangeRequest.Kind
State = AccountChangeRequest.State
OPERATOR = "operator (command line)"


class AccountChangeRefused(Exception):
    """The request or decision is not allowed; the message says why, for the person."""


# --- Who may act on whom ----------------------------------------------------


def _is_manager(user) -> bool:
    return user.groups.filter(name=MANAGER.group).exists()


def account_change_refusal(*, actor, target, kind: str | None = None, payload: dict | None = None) -> str:
    """Why `actor` may not ask for (or approve) this change to `target`; "" if they may.

    The same rules bind the requester and the approver: a manager who could
    not ask for a change cannot approve it either (the approver of a
    password reset receives the link).
    """
    if actor.pk == target.pk:
        return "Nobody can change their own account this way: ask another manager."
    if not actor.is_superuser:
        if target.is_superuser:
            return "Only a superuser can act on a superuser's account."
        if _is_manager(target):
            return "Only a superuser can act on another manager's account."
        if kind == Kind.ROLES and MANAGER.group in (payload or {}).get("groups", []):
            return "Only a superuser can make someone a manager."
    return ""


# --- Reading ----------------------------------------------------------------


def account_devices(*, user) -> list:
    """Every second-factor device of the account, of every kind django-otp knows (TOTP, recovery codes, passkeys)."""
    return list(devices_for_user(user, confirmed=None))


_DEVICE_KINDS = {
    "otp_totp.totpdevice": "Authenticator app",
    "otp_static.staticdevice": "Recovery codes",
}


def device_kind(device) -> str:
    """A person's word for the kind of device; any kind not named here (a passkey, say) by its model's name."""
    label = device._meta.concrete_model._meta.label_lower
    if "webauthn" in label:
        return "Passkey"
    return _DEVICE_KINDS.get(label, str(device._meta.verbose_name).capitalize())


def device_label(device) -> str:
    kind, name = device_kind(device), (device.name or "").strip()
    return kind if not name or name.lower() == kind.lower() else f"{kind}: {name}"


def account_changes_expire(*, now=None) -> int:
    """Mark pending requests past their time as expired, each on the trail. Returns how many."""
    now = now or timezone.now()
    expired = 0
    for pk in AccountChangeRequest.objects.filter(state=State.PENDING, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            # Only a row still pending changes: someone may have decided it meanwhile.
            if AccountChangeRequest.objects.filter(pk=pk, state=State.PENDING).update(
                state=State.EXPIRED, decided_at=now
            ):
                change = AccountChangeRequest.objects.select_related("target").get(pk=pk)
                audit_record(
                    actor=None,
                    actor_username="",
                    action=AuditEvent.Action.ACCOUNT_CHANGE_EXPIRED,
                    target=change.target,
                    summary=f"Expired unapproved: {change.get_kind_display().lower()} (request {pk})",
                    details={"request": pk, "kind": change.kind},
                )
                expired += 1
    return expired


# --- Asking -----------------------------------------------------------------


def _payload_clean(*, kind: str, target, payload: dict) -> dict:
    if kind == Kind.ROLES:
        allowed = set(ROLE_ORDER)
        groups = sorted({str(name) for name in payload.get("groups", [])})
        if not set(groups) <= allowed:
            raise AccountChangeRefused("Only the roles Analyst, Senior analyst and Manager can be given.")
        is_staff = bool(payload.get("is_staff", False))
        current = sorted(target.groups.filter(name__in=allowed).values_list("name", flat=True))
        if groups == current and is_staff == target.is_staff:
            raise AccountChangeRefused("That is what the account has already: nothing to change.")
        return {"groups": groups, "is_staff": is_staff, "before": {"groups": current, "is_staff": target.is_staff}}
    if kind == Kind.REMOVE_DEVICES:
        present = {device.persistent_id: device for device in account_devices(user=target)}
        wanted = [str(pid) for pid in payload.get("devices", [])]
        if not wanted:
            raise AccountChangeRefused("Choose at least one device to remove.")
        unknown = [pid for pid in wanted if pid not in present]
        if unknown:
            raise AccountChangeRefused("One of those devices is not this account's any more. Reload the page.")
        return {"devices": sorted(set(wanted)), "names": {pid: device_label(present[pid]) for pid in wanted}}
    if kind == Kind.REACTIVATE:
        if target.is_active:
            raise AccountChangeRefused("The account is active already.")
        return {}
    if kind == Kind.PASSWORD_RESET:
        return {}
    raise AccountChangeRefused("Unknown kind of change.")


def account_change_request(
    *, actor, target, kind: str, reason: str, payload: dict | None = None
) -> AccountChangeRequest:
    """Ask for a change to `target`'s account; a different manager must approve it."""
    if not actor.has_perm("staff.request_account_change"):
        raise AccountChangeRefused("You may not ask for changes to staff accounts.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise AccountChangeRefused("Say why: the manager who approves needs to know.")
    clean = _payload_clean(kind=kind, target=target, payload=payload or {})
    if refusal := account_change_refusal(actor=actor, target=target, kind=kind, payload=clean):
        raise AccountChangeRefused(refusal)
    account_changes_expire()
    now = timezone.now()
    try:
        with transaction.atomic():
            change = AccountChangeRequest.objects.create(
                kind=kind,
                target=target,
                requested_by=actor,
                requested_at=now,
                expires_at=now + timedelta(hours=settings.STAFF_CHANGE_REQUEST_HOURS),
                reason=reason[:300],
                payload=clean,
            )
            audit_record(
                actor=actor,
                action=AuditEvent.Action.ACCOUNT_CHANGE_REQUESTED,
                target=target,
                summary=f"Asked for: {change.get_kind_display().lower()} (request {change.pk})",
                details={"request": change.pk, "kind": kind, "payload": _audit_payload(clean)},
            )
    except IntegrityError:
        raise AccountChangeRefused("A request of this kind is already waiting for this account.") from None
    return change


def _audit_payload(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "names"}


# --- Deciding ---------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    change: AccountChangeRequest
    password_link_token: str = ""  # only for an approved password reset: for the approver to hand over


def _locked_pending(pk: int) -> AccountChangeRequest:
    change = AccountChangeRequest.objects.select_for_update().select_related("target", "requested_by").filter(pk=pk)
    change = change.first()
    if change is None:
        raise AccountChangeRefused("No such request.")
    if change.state != State.PENDING:
        raise AccountChangeRefused(f"This request is {change.get_state_display().lower()} already.")
    return change


def account_change_decider_refusal(*, actor, change: AccountChangeRequest) -> str:
    if actor is None:
        return ""  # the operator on the command line
    if not actor.has_perm("staff.approve_account_change"):
        return "You may not decide on changes to staff accounts."
    if actor.pk == change.requested_by_id:
        return "You asked for this change: a different manager must decide on it."
    return account_change_refusal(actor=actor, target=change.target, kind=change.kind, payload=change.payload)


def _who(actor, operator: str) -> dict:
    if actor is not None:
        return {"actor": actor}
    return {"actor": None, "actor_username": f"{OPERATOR}: {operator}" if operator else OPERATOR}


def account_change_approve(*, actor, pk: int, note: str = "", operator: str = "") -> Decision:
    """A second manager (or the operator, actor=None) approves: applied now, in this transaction."""
    account_changes_expire()
    with transaction.atomic():
        change = _locked_pending(pk)
        if refusal := account_change_decider_refusal(actor=actor, change=change):
            raise AccountChangeRefused(refusal)
        if not (change.requested_by.is_active and change.requested_by.has_perm("staff.request_account_change")):
            raise AccountChangeRefused("The person who asked may no longer ask for this: reject it.")
        now = timezone.now()
        change.state, change.decided_by, change.decided_at = State.APPLIED, actor, now
        change.decision_note = " ".join(note.split())[:300]
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        who = _who(actor, operator)
        label = change.get_kind_display().lower()
        audit_record(
            **who,
            action=AuditEvent.Action.ACCOUNT_CHANGE_APPROVED,
            target=change.target,
            summary=f"Approved {change.requested_by.get_username()}'s request {change.pk}: {label}",
            details={"request": change.pk, "kind": change.kind, "requested_by": change.requested_by.get_username()},
        )
        summary, details, token = _APPLY[change.kind](change)
        audit_record(
            **who,
            action=AuditEvent.Action.ACCOUNT_CHANGE_APPLIED,
            target=change.target,
            summary=f"{summary} (request {change.pk})",
            details={"request": change.pk, "kind": change.kind, **details},
        )
    return Decision(change, password_link_token=token)


def account_change_reject(*, actor, pk: int, note: str = "", operator: str = "") -> AccountChangeRequest:
    """A second manager (or the operator) says no. The requester may not reject their own either: they let it expire."""
    with transaction.atomic():
        change = _locked_pending(pk)
        # The same rules as approving: a veto is a decision too (a manager may not reject a
        # change to a superuser's or another manager's account any more than approve it).
        if refusal := account_change_decider_refusal(actor=actor, change=change):
            raise AccountChangeRefused(refusal)
        change.state, change.decided_by, change.decided_at = State.REJECTED, actor, timezone.now()
        change.decision_note = " ".join(note.split())[:300]
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        who = _who(actor, operator)
        audit_record(
            **who,
            action=AuditEvent.Action.ACCOUNT_CHANGE_REJECTED,
            target=change.target,
            summary=f"Rejected request {change.pk}: {change.get_kind_display().lower()}",
            details={"request": change.pk, "kind": change.kind},
        )
    return change


# --- Applying (inside the approving transaction) -----------------------------


def _apply_roles(change: AccountChangeRequest) -> tuple[str, dict, str]:
    target = get_user_model().objects.select_for_update().get(pk=change.target_id)
    wanted = set(change.payload["groups"])
    kept = target.groups.exclude(name__in=ROLE_ORDER)
    target.groups.set([*kept, *Group.objects.filter(name__in=wanted)])
    target.is_staff = change.payload["is_staff"]
    target.save(update_fields=["is_staff"])
    roles = ", ".join(name for name in ROLE_ORDER if name in wanted) or "no role"
    return f"Roles now: {roles}; admin {'yes' if target.is_staff else 'no'}", {"groups": sorted(wanted)}, ""


def _apply_remove_devices(change: AccountChangeRequest) -> tuple[str, dict, str]:
    wanted = set(change.payload["devices"])
    removed = []
    for device in account_devices(user=change.target):
        if device.persistent_id in wanted:
            removed.append(device.persistent_id)
            device.delete()
    # Whoever is signed in as them now (maybe whoever took the phone) is signed out.
    sessions_end_for_user(change.target)
    return f"Removed {len(removed)} second-factor device(s)", {"devices": removed}, ""


def _apply_reactivate(change: AccountChangeRequest) -> tuple[str, dict, str]:
    target = get_user_model().objects.select_for_update().get(pk=change.target_id)
    target.is_active = True
    target.save(update_fields=["is_active"])
    return "Reactivated the account", {}, ""


def _apply_password_reset(change: AccountChangeRequest) -> tuple[str, dict, str]:
    # The old password stops working now (and every session with it); the
    # person chooses a new one through a single-use link that only the
    # approver sees. Neither manager ever knows the new password.
    target = get_user_model().objects.select_for_update().get(pk=change.target_id)
    target.set_unusable_password()
    target.save(update_fields=["password"])
    sessions_end_for_user(target)
    hours = settings.STAFF_PASSWORD_LINK_HOURS
    return f"Password cleared; a set-password link valid {hours} h issued", {}, password_link_token(user=target)


_APPLY = {
    Kind.ROLES: _apply_roles,
    Kind.REMOVE_DEVICES: _apply_remove_devices,
    Kind.REACTIVATE: _apply_reactivate,
    Kind.PASSWORD_RESET: _apply_password_reset,
}


# --- Deactivation: immediate ---------------------------------------------------


def account_deactivate(*, actor, target, reason: str) -> None:
    """Take access away now. No second person: removing access must never wait."""
    if not actor.has_perm("staff.request_account_change"):
        raise AccountChangeRefused("You may not change staff accounts.")
    if refusal := account_change_refusal(actor=actor, target=target):
        raise AccountChangeRefused(refusal)
    reason = " ".join((reason or "").split())
    if not reason:
        raise AccountChangeRefused("Say why the account is deactivated.")
    with transaction.atomic():
        target = get_user_model().objects.select_for_update().get(pk=target.pk)
        if not target.is_active:
            raise AccountChangeRefused("The account is inactive already.")
        target.is_active = False
        target.save(update_fields=["is_active"])  # staff.receivers ends their sessions
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ACCOUNT_DEACTIVATED,
            target=target,
            summary=f"Deactivated: {reason}"[:300],
        )


# --- The set-password link ---------------------------------------------------

_LINK_SALT = "staff.account_changes.password_link"


def _password_fingerprint(user) -> str:
    # Changes as soon as a password is set: the link works once.
    return salted_hmac(_LINK_SALT, user.password, algorithm="sha256").hexdigest()[:32]


def password_link_token(*, user) -> str:
    return signing.dumps({"u": user.pk, "p": _password_fingerprint(user)}, salt=_LINK_SALT, compress=True)


def password_link_user(*, token: str):
    """The account a set-password link is for, or None if it is wrong, used or too old."""
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=timedelta(hours=settings.STAFF_PASSWORD_LINK_HOURS))
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("p", "")), _password_fingerprint(user)):
        return None
    return user
