"""A transactional test that writes to the trail must still be able to clean up.

pytest-django empties the tables after such a test (DELETE on SQLite, which
the trigger refuses; TRUNCATE on PostgreSQL); testsupport.fixtures takes care of it.
"""

import pytest

from staff.audit import audit_record
from staff.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_an_audit_row(analyst):
    audit_record(actor=analyst, action=AuditEvent.Action.LOGIN)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_one_starts_with_an_empty_trail_and_the_triggers_back():
    from django.db import IntegrityError, connection, transaction

    assert not AuditEvent.objects.exists()
    event = audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, actor_username="x")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM staff_auditevent WHERE id = %s", [event.pk])
