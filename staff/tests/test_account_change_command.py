"""The operator on the server can be the second person (a fresh install has one manager)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from staff.account_changes import account_change_request
from staff.models import AccountChangeRequest, AuditEvent
from testsupport.personas import make_staff

pytestmark = pytest.mark.django_db

Kind = AccountChangeRequest.Kind


def run(*args) -> str:
    out = StringIO()
    call_command("account_change", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def first_superuser(db):
    return make_staff("outsider", "root", is_superuser=True, is_staff=True)


def test_the_operator_approves_the_first_managers_request_and_it_is_audited(first_superuser, analyst):
    change = account_change_request(
        actor=first_superuser, target=analyst, kind=Kind.ROLES, reason="Second manager",
        payload={"groups": ["Manager"], "is_staff": True},
    )  # fmt: skip
    assert f"{change.pk:>5}" in run("list")
    assert "Approved and applied" in run("approve", str(change.pk), "--note", "checked in person")
    assert analyst.groups.filter(name="Manager").exists()
    analyst.refresh_from_db()
    assert analyst.is_staff
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CHANGE_APPLIED)
    assert event.actor is None and event.actor_username.startswith("operator (command line)")


def test_the_operator_gets_the_link_for_an_approved_password_reset(first_superuser, analyst):
    change = account_change_request(actor=first_superuser, target=analyst, kind=Kind.PASSWORD_RESET, reason="x")
    out = run("approve", str(change.pk), "--base-url", "https://staff.example/")
    assert "https://staff.example/staff/password/link/?t=" in out


def test_the_operator_rejects(first_superuser, analyst):
    change = account_change_request(actor=first_superuser, target=analyst, kind=Kind.PASSWORD_RESET, reason="x")
    run("reject", str(change.pk))
    change.refresh_from_db()
    assert change.state == AccountChangeRequest.State.REJECTED


def test_a_decided_request_is_a_clear_error(first_superuser, analyst):
    change = account_change_request(actor=first_superuser, target=analyst, kind=Kind.PASSWORD_RESET, reason="x")
    run("reject", str(change.pk))
    with pytest.raises(CommandError, match="rejected already"):
        run("approve", str(change.pk))
