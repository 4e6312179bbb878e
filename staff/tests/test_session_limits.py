from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from staff.models import AuditEvent
from testsupport.personas import login_verified
from testsupport.staff import is_signed_in

pytestmark = pytest.mark.django_db


def test_a_session_left_idle_for_more_than_30_minutes_ends(client, analyst):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, analyst)
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/staff/")
        assert response["Location"].startswith("/staff/login/")
        login_page = client.get("/staff/login/").content.decode()
        assert "signed out after a period without activity" in login_page


def test_activity_keeps_a_session_going_but_never_past_12_hours(client, analyst):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, analyst)
        for _ in range(35):  # a busy day: a page every 20 minutes, 11 h 40 min in all
            clock.shift(timedelta(minutes=20))
            assert is_signed_in(client)
        clock.shift(timedelta(minutes=20, seconds=1))  # 12 h 0 min 1 s after signing in
        assert not is_signed_in(client)
        assert "maximum length" in client.get("/staff/login/").content.decode()


def test_an_ended_session_is_audited_and_gone_from_the_server(client, analyst):
    from django.contrib.sessions.models import Session

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, analyst)
        old_key = client.session.session_key
        clock.shift(timedelta(hours=1))
        client.get("/staff/")
        assert not Session.objects.filter(session_key=old_key).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor == analyst
    assert event.summary == "Session ended: idle too long"


def test_the_limits_come_from_settings(client, analyst, settings):
    settings.STAFF_IDLE_TIMEOUT = timedelta(minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, analyst)
        clock.shift(timedelta(minutes=6))
        assert not is_signed_in(client)
