"""The audit trail: one append-only row per staff action.

Rows are never updated or deleted. The database enforces it with triggers
(migration 0002), so neither a bug, the admin nor a shell session can rewrite
history. The one change the triggers allow is the one Django makes when a
user account is deleted: `actor` becomes NULL while `actor_username` keeps
the name (accounts should be deactivated, not deleted, but a deletion must not
be blocked by, or erase, the trail).

Never put a reporter's data here: no contact details, no description text,
no client address. Refer to records by id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Login failed"
        LOGOUT = "logout", "Logged out"
        LOCKOUT = "lockout", "Locked out"
        ENROLLED = "enrolled", "Enrolled a second factor"
        RECOVERY_CODE_USED = "recovery_code_used", "Used a recovery code"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Issued new recovery codes"
        PASSWORD_CHANGED = "password_changed", "Changed password"
        RECORD_VIEWED = "record_viewed", "Viewed a record"
        RECORD_CLAIMED = "record_claimed", "Claimed a record"
        RECORD_RELEASED = "record_released", "Released a record"
        ASSESSED = "assessed", "Assessed"
        CONFIRMED = "confirmed", "Confirmed an assessment"
        DISPUTED = "disputed", "Disputed an assessment"
        BULK_ASSESSED = "bulk_assessed", "Bulk assessed"
        EXPORTED = "exported", "Exported"
        CONFIGURATION_CHANGED = "configuration_changed", "Changed configuration"
        USER_CHANGED = "user_changed", "Changed a user"
        # Takedown: routing, notices and tracking until removed.
        ROUTED = "routed", "Routed a record"
        ROUTE_OVERRIDDEN = "route_overridden", "Overrode a route"
        NOTICE_SENT = "notice_sent", "Sent a notice"
        NOTICE_FAILED = "notice_failed", "A notice failed"
        NOTICE_RESENT = "notice_resent", "Sent a failed notice again"
        REPLY_RECORDED = "reply_recorded", "Recorded a reply"
        CONTACT_FOUND = "contact_found", "Found an abuse contact"
        CONTACT_APPROVED = "contact_approved", "Approved an abuse contact"
        CONTACT_REJECTED = "contact_rejected", "Rejected an abuse contact"
        REMOVED = "removed", "Marked removed"
        REPEAT_NOTICE = "repeat_notice", "Repeated a notice"
        ESCALATED = "escalated", "Escalated"
        RECORD_REOPENED = "record_reopened", "Re-opened a record"
        SEARCHED = "searched", "Searched records"
        # Retention of reporters' data.
        REPORT_CLOSED = "report_closed", "Closed a report"
        REPORT_REOPENED = "report_reopened", "Re-opened a report"
        REPORT_PURGED = "report_purged", "Purged reporter data"
        # Member organisations and their API keys.
        MEMBER_CHANGED = "member_changed", "Changed a member"
        API_KEY_CREATED = "api_key_created", "Created an API key"
        API_KEY_REVOKED = "api_key_revoked", "Revoked an API key"
        # The two-person rule for staff accounts (staff.account_changes).
        ACCOUNT_CHANGE_REQUESTED = "account_change_requested", "Requested an account change"
        ACCOUNT_CHANGE_APPROVED = "account_change_approved", "Approved an account change"
        ACCOUNT_CHANGE_REJECTED = "account_change_rejected", "Rejected an account change"
        ACCOUNT_CHANGE_APPLIED = "account_change_applied", "Applied an account change"
        ACCOUNT_CHANGE_EXPIRED = "account_change_expired", "An account change request expired"
        ACCOUNT_DEACTIVATED = "account_deactivated", "Deactivated an account"
        # Second-factor enrolment through one-time links (staff.enrolment).
        ENROLMENT_LINK_CREATED = "enrolment_link_created", "Made an enrolment link"
        ENROLMENT_LINK_OPENED = "enrolment_link_opened", "Opened an enrolment link"
        ENROLMENT_LINK_REFUSED = "enrolment_link_refused", "Refused an enrolment link"
        ENROLMENT_STARTED = "enrolment_started", "Started enrolling a second factor"
        PASSKEY_REGISTERED = "passkey_registered", "Registered a passkey"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # The name at the time, kept even if the account is renamed or deleted. For
    # a failed login it is the name that was typed (never the password).
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="staff_audit_target_idx")]
        # No add/change/delete permissions exist for the trail: nobody can be given them.
        default_permissions = ()
        permissions = [
            ("view_dashboard", "Can view the management dashboard"),
            ("view_audit", "Can browse and export the audit trail"),
            ("manage_configuration", "Can change site configuration"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    @property
    def target_label(self) -> str:
        return f"{self.target_type} {self.target_id}".strip()


class RecoveryCodeDevice(StaticDevice):
    """django-otp's static device, with its tokens stored hashed (staff.recovery).

    Same table as StaticDevice. Each StaticToken.token holds a digest, never
    the code; a code is compared against every token of the device in
    constant time and deleted when it matches (single use).
    """

    class Meta:
        proxy = True
        verbose_name = "recovery code set"
        # Nobody is given permissions on it: it is managed only by staff.services.
        default_permissions = ()

    def verify_token(self, token) -> bool:
        from staff.recovery import recovery_code_matches

        verify_allowed, _ = self.verify_is_allowed()
        if not verify_allowed:
            return False
        match = None
        for stored in list(self.token_set.all()):
            # No early exit: every token is compared.
            if recovery_code_matches(stored.token, str(token)) and match is None:
                match = stored
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class AccountChangeRequest(models.Model):
    """A change to a staff account that waits for a second manager (staff.account_changes).

    Roles, the password, second-factor devices and reactivation: one manager
    asks, a different one approves (or rejects) before it expires, and it is
    applied in the approving transaction. The requester and the account's owner
    can never approve it; the database refuses such a row as well.
    """

    class Kind(models.TextChoices):
        ROLES = "roles", "Change roles"
        PASSWORD_RESET = "password_reset", "Reset the password"
        REMOVE_DEVICES = "remove_devices", "Remove second-factor devices"
        REACTIVATE = "reactivate", "Reactivate the account"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPLIED = "applied", "Approved and applied"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    # PROTECT: accounts are deactivated, never deleted, and the request keeps pointing at them.
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="change_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    # What to change, by kind: roles {"groups": [...], "is_staff": bool};
    # remove_devices {"devices": [persistent ids]}. Never a password.
    payload = models.JSONField(default=dict, blank=True)
    # Null when decided by the operator on the command line, or when expired.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        default_permissions = ()
        permissions = [
            ("request_account_change", "Can request changes to staff accounts"),
            ("approve_account_change", "Can approve changes to staff accounts requested by others"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=models.Q(state="pending"),
                name="staff_one_pending_change_per_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="staff_change_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("target")),
                name="staff_change_not_decided_by_target",
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="staff_change_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.target_id} ({self.state})"


class EnrolmentLink(models.Model):
    """A one-time link a manager makes so that one person can enrol a second factor.

    Only a SHA-256 digest of the token is stored; the link itself is shown
    once, to the manager who made it. A link is good until `expires_at`, for
    one enrolment; making a newer link for the same person, or that person
    enrolling, ends every older one (`ended_at`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"enrolment link {self.pk} for user {self.user_id}"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.ended_at is None and self.expires_at > now
