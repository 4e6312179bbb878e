"""Print a demo account's current authenticator code: for demos and tests, never in production."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from testsupport.personas import totp_now


class Command(BaseCommand):
    help = "Print USERNAME's current TOTP code (demos and tests only; refused when PRODUCTION=true)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("totp_code would defeat the second factor: refused when PRODUCTION=true.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account called {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator yet.")
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(totp_now(device))
        if options["verbosity"] > 1:
            self.stderr.write(f"valid for {left} more seconds; each code works once")
