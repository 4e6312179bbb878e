"""Demo staff accounts, one per role, each with a ready authenticator: never in production."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.roles import ROLES, roles_sync

DEMO_PASSWORD = "hotline demo password"  # noqa: S105  (demo only; the command refuses production)
DEMO_PEOPLE = [  # (username, role key)
    ("analyst", "analyst"),
    ("senior", "senior"),
    ("senior2", "senior"),
    ("manager", "manager"),
]


def base32_secret(device: TOTPDevice) -> str:
    return device.config_url.split("secret=", 1)[1].split("&", 1)[0]


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo staff accounts and print how to sign in. Refused in production."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_setup makes accounts with a published password: refused when PRODUCTION=true.")
        roles_sync()
        User = get_user_model()
        rows = []
        with transaction.atomic():
            for username, role_key in DEMO_PEOPLE:
                user = User.objects.filter(username=username).first()
                created = user is None
                if created:
                    # Hashing is the slow part, so it happens only the first time.
                    user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
                if role_key == "manager" and not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=ROLES[role_key].group))
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is None:
                    device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
                rows.append((username, ROLES[role_key].group, device, created))
            # A demo should not start locked out by yesterday's typing.
            AccessAttempt.objects.filter(username__in=[u for u, _ in DEMO_PEOPLE]).delete()

        out = self.stdout.write
        out(f"Demo staff accounts (password for each: {DEMO_PASSWORD!r}; an account created earlier keeps its own):")
        for username, group, device, created in rows:
            note = "" if created else "  (already there)"
            out(f"  {username:<8} {group:<15} TOTP secret {base32_secret(device)}{note}")
            if options["verbosity"] > 1:
                out(f"           {device.config_url}")
        out("Sign in at /staff/login/. For the code, add a secret to an authenticator app, or run:")
        out("  python manage.py totp_code USERNAME")
