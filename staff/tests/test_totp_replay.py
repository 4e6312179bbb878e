import pytest
import time_machine

from testsupport.personas import totp_now
from testsupport.staff import is_signed_in, send_code, sign_in_password

pytestmark = pytest.mark.django_db


def test_a_code_that_was_used_once_is_refused_the_second_time(client, analyst):
    with time_machine.travel("2026-03-02 10:00:05 +0000", tick=False):
        code = totp_now(analyst.totp_device)
        sign_in_password(client, "analyst")
        assert send_code(client, code).status_code == 302
        client.post("/staff/logout/")

    with time_machine.travel("2026-03-02 10:00:20 +0000", tick=False):
        # Same 30-second step: the same code is still "current", but spent.
        sign_in_password(client, "analyst")
        assert send_code(client, code).status_code == 400
        assert not is_signed_in(client)


def test_the_next_code_works_after_the_first_was_used(client, analyst):
    with time_machine.travel("2026-03-02 10:00:05 +0000", tick=False):
        sign_in_password(client, "analyst")
        send_code(client, totp_now(analyst.totp_device))
        client.post("/staff/logout/")
    with time_machine.travel("2026-03-02 10:00:40 +0000", tick=False):
        sign_in_password(client, "analyst")
        assert send_code(client, totp_now(analyst.totp_device)).status_code == 302
        assert is_signed_in(client)
