import pytest

from staff.models import AuditEvent
from testsupport.personas import FormClient, login_verified
from testsupport.staff import is_signed_in

pytestmark = pytest.mark.django_db

OLD = "correct horse battery staple 42"


def change(client, new: str, old: str = OLD):
    return client.post("/staff/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_a_short_password_is_refused(analyst_client, analyst):
    response = change(analyst_client, "short pw 1")
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password(OLD)


def test_a_common_or_numeric_password_is_refused(analyst_client):
    assert change(analyst_client, "123456789012").status_code == 400
    assert change(analyst_client, "password1234").status_code == 400


def test_the_old_password_must_be_given(analyst_client):
    assert change(analyst_client, "a much longer new phrase", old="wrong old password").status_code == 400


def test_a_good_password_is_kept_and_audited_and_other_sessions_end(analyst_client, analyst):
    other_browser = login_verified(FormClient(), analyst)
    response = change(analyst_client, "otters hold hands while asleep")
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password("otters hold hands while asleep")
    assert is_signed_in(analyst_client)
    assert not is_signed_in(other_browser)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, actor=analyst).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert "otters" not in f"{event.summary}{event.details}"
