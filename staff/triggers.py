"""Database triggers that make the audit trail append-only.

Installed by migration 0002. The only UPDATE allowed is the one Django issues
when an account is deleted (actor_id set to NULL, every other column equal);
every other UPDATE and every DELETE raises an integrity error.

On SQLite, a later migration that rebuilds staff_auditevent (adding or
altering a column does) drops these triggers with the old table: such a
migration must call `install(schema_editor)` again, and the SQLite trigger
must list the new column. test_the_audit_trail_cannot_be_rewritten catches a
missing trigger. TRUNCATE is not covered on PostgreSQL (test databases are
emptied with it); in production, grant the application role no TRUNCATE.
"""

from __future__ import annotations

MESSAGE = "staff_auditevent is append-only"

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION staff_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$;
    """,
    "DROP TRIGGER IF EXISTS staff_auditevent_append_only ON staff_auditevent;",
    """
    CREATE TRIGGER staff_auditevent_append_only
    BEFORE UPDATE OR DELETE ON staff_auditevent
    FOR EACH ROW EXECUTE FUNCTION staff_auditevent_append_only();
    """,
]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS staff_auditevent_append_only ON staff_auditevent;",
    "DROP FUNCTION IF EXISTS staff_auditevent_append_only();",
]

_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in ("id", "at", "actor_username", "action", "target_type", "target_id", "summary", "details")
)
_SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS staff_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS staff_auditevent_no_delete;",
    f"""
    CREATE TRIGGER staff_auditevent_no_update BEFORE UPDATE ON staff_auditevent
    WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END;
    """,
    f"""
    CREATE TRIGGER staff_auditevent_no_delete BEFORE DELETE ON staff_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END;
    """,
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS staff_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS staff_auditevent_no_delete;",
]

_STATEMENTS = {
    "postgresql": (_POSTGRES_INSTALL, _POSTGRES_REMOVE),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
}


def _statements(vendor: str, index: int) -> list[str]:
    if vendor not in _STATEMENTS:
        raise NotImplementedError(f"no append-only triggers for the {vendor} database: add them to staff/triggers.py")
    return _STATEMENTS[vendor][index]


def install(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, 0):
        schema_editor.execute(sql, params=None)


def remove(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, 1):
        schema_editor.execute(sql, params=None)
