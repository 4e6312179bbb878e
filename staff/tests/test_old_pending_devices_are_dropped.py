"""Migration 0007 deletes the unconfirmed TOTP devices of the old enrolment flow, and only those."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("staff", "0007_enrolment_link")]
AFTER = [("staff", "0008_drop_unconfirmed_totp_devices")]


def test_unconfirmed_devices_go_and_confirmed_ones_stay(django_user_model):
    user = django_user_model.objects.create_user("legacy")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    state = executor.loader.project_state([*BEFORE, ("otp_totp", "0003_add_timestamps")])
    TOTPDevice = state.apps.get_model("otp_totp", "TOTPDevice")
    TOTPDevice.objects.create(user_id=user.pk, name="pending", confirmed=False, key="00" * 20)
    TOTPDevice.objects.create(user_id=user.pk, name="real", confirmed=True, key="11" * 20)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from django_otp.plugins.otp_totp.models import TOTPDevice as Current

    assert list(Current.objects.values_list("name", flat=True)) == ["real"]
