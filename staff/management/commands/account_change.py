"""The operator decides on staff account changes from the server's command line.

The operator with a shell on the server is trusted (they hold the database
and the secret key anyway). This is how a fresh install with one manager gets
a second: the first manager asks on the account page, the operator approves
here. Every decision is on the audit trail as "operator (command line)",
with the operating-system user who ran it.
"""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from staff import account_changes as changes
from staff.account_views import password_link_url
from staff.models import AccountChangeRequest


class Command(BaseCommand):
    help = "List, approve or reject requested changes to staff accounts, as the operator (audited)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="requests waiting for a decision")
        for name in ("approve", "reject"):
            decide = sub.add_parser(name, help=f"{name} one request")
            decide.add_argument("request_id", type=int)
            decide.add_argument("--note", default="", help="why (goes on the trail)")
            if name == "approve":
                decide.add_argument(
                    "--base-url", default="", help="for a password reset: the staff site's address, to print the link"
                )

    def handle(self, *args, action: str, **options) -> None:
        changes.account_changes_expire()
        if action == "list":
            self._list()
            return
        operator = getpass.getuser()
        try:
            if action == "reject":
                change = changes.account_change_reject(
                    actor=None, pk=options["request_id"], note=options["note"], operator=operator
                )
                self.stdout.write(f"Rejected request {change.pk}.")
                return
            decision = changes.account_change_approve(
                actor=None, pk=options["request_id"], note=options["note"], operator=operator
            )
        except changes.AccountChangeRefused as refusal:
            raise CommandError(str(refusal)) from None
        change = decision.change
        self.stdout.write(
            f"Approved and applied request {change.pk}: {change.get_kind_display().lower()} for {change.target}."
        )
        if decision.password_link_token:
            path = password_link_url(decision.password_link_token)
            hours = settings.STAFF_PASSWORD_LINK_HOURS
            self.stdout.write(f"Give this single-use link (valid {hours} h) to the person yourself:")
            self.stdout.write(f"  {options['base_url'].rstrip('/')}{path}")

    def _list(self) -> None:
        pending = AccountChangeRequest.objects.filter(state=AccountChangeRequest.State.PENDING).select_related(
            "target", "requested_by"
        )
        if not pending:
            self.stdout.write("Nothing is waiting.")
            return
        for change in pending.order_by("expires_at"):
            detail = ""
            if change.kind == AccountChangeRequest.Kind.ROLES:
                detail = f" -> {', '.join(change.payload['groups']) or 'no role'}, admin {change.payload['is_staff']}"
            self.stdout.write(
                f"{change.pk:>5}  {change.get_kind_display()} for {change.target}{detail}; "
                f"asked by {change.requested_by} at {change.requested_at:%Y-%m-%d %H:%M} UTC: {change.reason}"
            )
