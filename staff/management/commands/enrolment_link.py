"""Make a one-time enrolment link from the command line: how the first manager of a new install enrols.

Everyone else gets their link from a manager, on the staff page
/staff/enrolment-links/. Works in production too: whoever can run this
already holds the server. It is on the audit trail like a link made on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.enrolment import enrolment_link_create, enrolment_link_path


class Command(BaseCommand):
    help = "Print a one-time link with which USERNAME (password needed too) enrols a second factor."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--hours", type=int, default=None, help="How long the link stays good (default ENROLMENT_LINK_HOURS)."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, e.g. https://hotline.example (default: https://WEBAUTHN_RP_ID, "
            "or http://localhost:8000 outside production).",
        )

    def handle(self, *args, username: str, hours: int | None, base_url: str, **options) -> None:
        if hours is not None and hours < 1:
            raise CommandError("--hours must be 1 or more.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account called {username!r}.")
        try:
            link, token = enrolment_link_create(user=user, created_by=None, hours=hours)
        except ValueError as refusal:
            raise CommandError(str(refusal)) from None
        if not base_url:
            base_url = f"https://{settings.WEBAUTHN_RP_ID}" if settings.PRODUCTION else "http://localhost:8000"
        self.stdout.write(f"{base_url.rstrip('/')}{enrolment_link_path(token)}")
        self.stderr.write(f"Good until {link.expires_at:%Y-%m-%d %H:%M %Z}, for one enrolment. Send it privately.")
