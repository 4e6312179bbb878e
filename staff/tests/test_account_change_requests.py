"""Asking for a change to a staff account: nothing changes until another manager approves."""

import pytest
from django.contrib.auth.models import Group

from staff.account_changes import AccountChangeRefused, account_change_request
from staff.models import AccountChangeRequest, AuditEvent
from testsupport.personas import make_staff

pytestmark = pytest.mark.django_db

Kind = AccountChangeRequest.Kind


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_asking_for_a_role_changes_nothing_yet_and_is_audited(manager, analyst):
    change = account_change_request(
        actor=manager,
        target=analyst,
        kind=Kind.ROLES,
        reason="Promoted after training, confirmed by the head of hotline",
        payload={"groups": ["Analyst", "Senior analyst"], "is_staff": False},
    )
    assert change.state == AccountChangeRequest.State.PENDING
    assert roles_of(analyst) == {"Analyst"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CHANGE_REQUESTED)
    assert event.actor == manager and event.target_id == str(analyst.pk)
    assert event.details["payload"]["groups"] == ["Analyst", "Senior analyst"]


def test_a_request_needs_a_reason(manager, analyst):
    with pytest.raises(AccountChangeRefused, match="Say why"):
        account_change_request(actor=manager, target=analyst, kind=Kind.PASSWORD_RESET, reason="   ")
    assert not AccountChangeRequest.objects.exists()


def test_only_one_request_of_a_kind_waits_per_account(manager, analyst):
    account_change_request(actor=manager, target=analyst, kind=Kind.PASSWORD_RESET, reason="forgot it")
    with pytest.raises(AccountChangeRefused, match="already waiting"):
        account_change_request(actor=manager, target=analyst, kind=Kind.PASSWORD_RESET, reason="again")
    assert AccountChangeRequest.objects.count() == 1


def test_nobody_asks_for_changes_to_their_own_account(manager):
    with pytest.raises(AccountChangeRefused, match="own account"):
        account_change_request(actor=manager, target=manager, kind=Kind.PASSWORD_RESET, reason="me")


def test_a_manager_cannot_ask_to_make_someone_a_manager(manager, analyst):
    with pytest.raises(AccountChangeRefused, match="superuser"):
        account_change_request(
            actor=manager, target=analyst, kind=Kind.ROLES, reason="x", payload={"groups": ["Manager"]}
        )


def test_a_manager_cannot_ask_for_changes_to_another_manager(manager, manager2):
    with pytest.raises(AccountChangeRefused, match="another manager"):
        account_change_request(actor=manager, target=manager2, kind=Kind.PASSWORD_RESET, reason="x")


def test_an_analyst_cannot_ask_at_all(analyst, senior):
    with pytest.raises(AccountChangeRefused):
        account_change_request(actor=analyst, target=senior, kind=Kind.PASSWORD_RESET, reason="x")


def test_an_unknown_role_or_device_is_refused_with_a_clear_error(manager, analyst):
    with pytest.raises(AccountChangeRefused, match="Only the roles"):
        account_change_request(actor=manager, target=analyst, kind=Kind.ROLES, reason="x", payload={"groups": ["Root"]})
    other = make_staff("analyst")
    with pytest.raises(AccountChangeRefused, match="not this account's"):
        account_change_request(
            actor=manager,
            target=analyst,
            kind=Kind.REMOVE_DEVICES,
            reason="x",
            payload={"devices": [other.totp_device.persistent_id]},
        )
    assert not AccountChangeRequest.objects.exists()


def test_asking_for_what_the_account_has_already_is_refused(manager, analyst):
    with pytest.raises(AccountChangeRefused, match="nothing to change"):
        account_change_request(
            actor=manager, target=analyst, kind=Kind.ROLES, reason="x", payload={"groups": ["Analyst"]}
        )


def test_non_role_groups_are_left_alone_by_a_role_change(manager, manager2, analyst):
    from staff.account_changes import account_change_approve

    extra = Group.objects.create(name="Newsletter")
    analyst.groups.add(extra)
    change = account_change_request(
        actor=manager, target=analyst, kind=Kind.ROLES, reason="x", payload={"groups": ["Senior analyst"]}
    )
    account_change_approve(actor=manager2, pk=change.pk)
    assert roles_of(analyst) == {"Senior analyst", "Newsletter"}
