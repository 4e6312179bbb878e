"""pytest fixtures: the staff personas.

Expose them to the whole suite with one line in the root conftest.py:

    pytest_plugins = ["testsupport.fixtures"]

`analyst`, `senior`, `senior2`, `manager`, `manager2`, `outsider` are User objects (the
outsider has an account and a second factor but no role). Each has a
`<name>_client` twin: a test client (testsupport.personas.FormClient: posts are
urlencoded, as the site refuses multipart) signed in as that person past the
second factor, with `.user` set. Both fixtures of a pair are the same person.
"""

from __future__ import annotations

import pytest

from testsupport.personas import FormClient, login_verified, make_staff


@pytest.fixture
def analyst(db):
    return make_staff("analyst", "analyst")


@pytest.fixture
def senior(db):
    return make_staff("senior", "senior")


@pytest.fixture
def senior2(db):
    return make_staff("senior", "senior2")


@pytest.fixture
def manager(db):
    return make_staff("manager", "manager", is_staff=True)


@pytest.fixture
def manager2(db):
    """A second manager: the two-person rule needs one (staff.account_changes)."""
    return make_staff("manager", "manager2", is_staff=True)


@pytest.fixture
def outsider(db):
    return make_staff("outsider", "outsider")


@pytest.fixture
def analyst_client(analyst):
    return login_verified(FormClient(), analyst)


@pytest.fixture
def senior_client(senior):
    return login_verified(FormClient(), senior)


@pytest.fixture
def senior2_client(senior2):
    return login_verified(FormClient(), senior2)


@pytest.fixture
def manager_client(manager):
    return login_verified(FormClient(), manager)


@pytest.fixture
def manager2_client(manager2):
    return login_verified(FormClient(), manager2)


@pytest.fixture
def outsider_client(outsider):
    return login_verified(FormClient(), outsider)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are made with a password; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_trail_flushable(request):
    """Let transactional tests on SQLite end even when they wrote audit events.

    pytest-django empties the database after such a test with DELETE on
    SQLite, which the append-only trigger refuses; PostgreSQL uses TRUNCATE,
    which the row triggers do not see. So on SQLite only, and only here, the
    triggers are lifted for the clean-up and put straight back.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection

    from staff import triggers
    from staff.models import AuditEvent

    if connection.vendor == "sqlite" and AuditEvent.objects.exists():
        with connection.schema_editor() as editor:
            triggers.remove(editor)
            editor.execute("DELETE FROM staff_auditevent", params=None)
            triggers.install(editor)
