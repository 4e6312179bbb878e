import pytest

from staff.models import AuditEvent
from testsupport.personas import recovery_codes_make
from testsupport.staff import is_signed_in, send_code, sign_in_password

pytestmark = pytest.mark.django_db


def test_a_recovery_code_signs_in_once_only(client, analyst):
    codes = recovery_codes_make(analyst)
    sign_in_password(client, "analyst")
    assert send_code(client, codes[0]).status_code == 302
    assert is_signed_in(client)
    client.post("/staff/logout/")

    sign_in_password(client, "analyst")
    assert send_code(client, codes[0]).status_code == 400
    assert not is_signed_in(client)


def test_recovery_codes_work_typed_without_the_hyphen_or_in_capitals(client, analyst):
    codes = recovery_codes_make(analyst)
    sign_in_password(client, "analyst")
    assert send_code(client, codes[1].replace("-", "").upper()).status_code == 302


def test_using_a_recovery_code_is_audited_with_how_many_are_left(client, analyst):
    codes = recovery_codes_make(analyst)
    sign_in_password(client, "analyst")
    send_code(client, codes[0])
    event = AuditEvent.objects.get(action=AuditEvent.Action.RECOVERY_CODE_USED)
    assert event.actor == analyst
    assert event.details == {"left": 9}
    assert codes[0] not in f"{event.summary} {event.details}"
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).details == {"method": "recovery_code"}


def test_running_low_on_recovery_codes_is_pointed_out(client, analyst):
    codes = recovery_codes_make(analyst, count=3)
    sign_in_password(client, "analyst")
    send_code(client, codes[0])
    page = client.get("/staff/").content.decode()
    assert "2 recovery codes left" in page


def test_recovery_codes_are_stored_only_as_hashes(analyst):
    from django_otp.plugins.otp_static.models import StaticToken

    codes = recovery_codes_make(analyst)
    stored = list(StaticToken.objects.filter(device__user=analyst).values_list("token", flat=True))
    assert len(stored) == 10
    plain = {code.replace("-", "") for code in codes}
    assert not plain & set(stored)
    assert not any(p in token or token in p for p in plain for token in stored)


def test_a_stored_hash_is_not_accepted_as_a_code(client, analyst):
    from django_otp.plugins.otp_static.models import StaticToken

    recovery_codes_make(analyst)
    stored = StaticToken.objects.filter(device__user=analyst).first().token
    sign_in_password(client, "analyst")
    assert send_code(client, stored).status_code == 400
    assert not is_signed_in(client)


def test_codes_stored_in_the_clear_before_hashing_are_hashed_by_the_migration(analyst):
    """Migration 0003 turns plain tokens into digests that still sign in."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from staff.models import RecoveryCodeDevice

    device = StaticDevice.objects.create(user=analyst, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcdefghjk")
    migration = importlib.import_module("staff.migrations.0003_recovery_code_device")
    migration._hash_plain_tokens(apps, SimpleNamespace(connection=connection))
    assert StaticToken.objects.get(device=device).token != "abcdefghjk"
    assert RecoveryCodeDevice.objects.get(pk=device.pk).verify_token("abcdefghjk")
    assert not StaticToken.objects.filter(device=device).exists()  # used up
