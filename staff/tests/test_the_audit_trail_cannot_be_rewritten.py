"""The trail is append-only in the database itself, on SQLite and on PostgreSQL."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from staff.audit import audit_record
from staff.models import AuditEvent
from testsupport.personas import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(analyst):
    return audit_record(actor=analyst, action=AuditEvent.Action.ASSESSED, target=("triage.record", 7), summary="A")


def raw(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_update_is_refused(event):
    with pytest.raises(IntegrityError):
        raw("UPDATE staff_auditevent SET summary = %s WHERE id = %s", "rewritten", event.pk)
    event.refresh_from_db()
    assert event.summary == "A"


def test_a_raw_delete_is_refused(event):
    with pytest.raises(IntegrityError):
        raw("DELETE FROM staff_auditevent WHERE id = %s", event.pk)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_changing_who_did_it_is_refused(event, manager):
    with pytest.raises(IntegrityError):
        raw("UPDATE staff_auditevent SET actor_id = %s WHERE id = %s", manager.pk, event.pk)
    with pytest.raises(IntegrityError):
        raw("UPDATE staff_auditevent SET actor_id = NULL, actor_username = 'x' WHERE id = %s", event.pk)


def test_the_orm_cannot_change_or_delete_rows_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.CONFIRMED)
    with pytest.raises(DatabaseError), transaction.atomic():
        event.summary = "B"
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().summary == "A"


def test_deleting_an_account_keeps_its_events_under_the_old_name():
    leaver = make_staff("analyst", "leaver")
    event = audit_record(actor=leaver, action=AuditEvent.Action.LOGIN, summary="A")
    leaver.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_username == "leaver"
    assert event.summary == "A"


def test_no_permission_to_change_or_delete_the_trail_exists():
    from django.contrib.auth.models import Permission

    codenames = set(Permission.objects.filter(content_type__app_label="staff").values_list("codename", flat=True))
    # The other two are the two-person rule's, on AccountChangeRequest.
    assert codenames == {
        "view_dashboard",
        "view_audit",
        "manage_configuration",
        "request_account_change",
        "approve_account_change",
    }


def test_an_unknown_action_is_refused_before_it_reaches_the_trail(analyst):
    with pytest.raises(ValueError):
        audit_record(actor=analyst, action="made_tea")


def test_a_target_is_recorded_by_type_and_id(analyst, senior):
    event = audit_record(actor=analyst, action=AuditEvent.Action.USER_CHANGED, target=senior)
    assert (event.target_type, event.target_id) == ("auth.user", str(senior.pk))
