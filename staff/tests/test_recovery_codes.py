import pytest

from staff.models import AuditEvent
from staff.testing import recovery_codes_make
from staff.tests.helpers import is_signed_in, send_code, sign_in_password

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
