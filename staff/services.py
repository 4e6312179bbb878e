"""Second-factor writes: recovery codes, checking a code (enrolment: staff.enrolment)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import RecoveryCodeDevice
from staff.recovery import recovery_code_digest

RECOVERY_CODE_COUNT = 10
# No 0/O or 1/l/I: codes are read off paper and typed by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def recovery_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _normalise(code: str) -> str:
    """Spaces and hyphens are for reading; people type codes either way."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def recovery_codes_issue(*, user, count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Replace the user's recovery codes with `count` new single-use ones and return them.

    Only a keyed hash of each code is stored (staff.recovery): the plain codes
    exist in the returned list only, to be shown once.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_digest(code)) for code in codes])
    return [recovery_code_display(code) for code in codes]


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None  # the device that accepted the code
    recovery: bool = False  # the code was a recovery code (now used up)
    throttled_seconds: int = 0  # too many recent failures: try again after this long


@transaction.atomic
def second_factor_check(*, user, code: str) -> CodeCheck:
    """Check a code against the user's authenticator, then their recovery codes.

    A TOTP code is accepted once only (the device remembers the last time step
    used). A recovery code is deleted when used. Each wrong code makes the
    device wait longer before it will check again (django-otp's throttle).
    """
    from django.utils import timezone

    code = _normalise(code)
    if not code:
        return CodeCheck(None)
    wait = 0
    totp_devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
    # Through the proxy, whose verify_token compares hashes.
    static_devices = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True)
    # Six digits is an authenticator code; anything else can only be a recovery code.
    candidates = list(totp_devices) if code.isdigit() else list(static_devices)
    for device in candidates:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until")
            if locked_until:
                wait = max(wait, int((locked_until - timezone.now()).total_seconds()) + 1)
            continue
        if device.verify_token(code):
            return CodeCheck(device, recovery=isinstance(device, RecoveryCodeDevice))
    return CodeCheck(None, throttled_seconds=wait)
