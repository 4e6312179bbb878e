"""A different manager approves (or rejects) before the request expires; it is applied at once."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import devices_for_user

from staff import account_changes
from staff.account_changes import (
    AccountChangeRefused,
    account_change_approve,
    account_change_reject,
    account_change_request,
    account_changes_expire,
)
from staff.models import AccountChangeRequest, AuditEvent
from testsupport.personas import make_staff, recovery_codes_make

pytestmark = pytest.mark.django_db

Kind = AccountChangeRequest.Kind
State = AccountChangeRequest.State


def ask_senior(manager, analyst) -> AccountChangeRequest:
    return account_change_request(
        actor=manager,
        target=analyst,
        kind=Kind.ROLES,
        reason="Promoted",
        payload={"groups": ["Analyst", "Senior analyst"], "is_staff": False},
    )


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_requester_cannot_approve_their_own_request(manager, analyst):
    change = ask_senior(manager, analyst)
    with pytest.raises(AccountChangeRefused, match="different manager"):
        account_change_approve(actor=manager, pk=change.pk)
    assert roles_of(analyst) == {"Analyst"}


def test_the_requester_cannot_reject_their_own_request_either(manager, analyst):
    change = ask_senior(manager, analyst)
    with pytest.raises(AccountChangeRefused):
        account_change_reject(actor=manager, pk=change.pk)


def test_a_second_manager_approves_and_it_is_applied_and_audited(manager, manager2, analyst):
    change = ask_senior(manager, analyst)
    account_change_approve(actor=manager2, pk=change.pk, note="Checked with the head of hotline")
    assert roles_of(analyst) == {"Analyst", "Senior analyst"}
    change.refresh_from_db()
    assert change.state == State.APPLIED and change.decided_by == manager2
    actions = list(AuditEvent.objects.filter(target_id=str(analyst.pk)).values_list("action", "actor_username"))
    assert ("account_change_approved", "manager2") in actions
    assert ("account_change_applied", "manager2") in actions


def test_a_decided_request_cannot_be_approved_again(manager, manager2, analyst):
    change = ask_senior(manager, analyst)
    account_change_approve(actor=manager2, pk=change.pk)
    with pytest.raises(AccountChangeRefused, match="already"):
        account_change_approve(actor=manager2, pk=change.pk)


def test_a_rejected_request_changes_nothing_and_is_audited(manager, manager2, analyst):
    change = ask_senior(manager, analyst)
    account_change_reject(actor=manager2, pk=change.pk, note="Not yet")
    assert roles_of(analyst) == {"Analyst"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_CHANGE_REJECTED, actor=manager2).exists()
    with pytest.raises(AccountChangeRefused):
        account_change_approve(actor=manager2, pk=change.pk)


def test_an_expired_request_cannot_be_approved_and_its_expiry_is_audited(manager, manager2, analyst):
    change = ask_senior(manager, analyst)
    AccountChangeRequest.objects.filter(pk=change.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AccountChangeRefused, match="expired"):
        account_change_approve(actor=manager2, pk=change.pk)
    assert roles_of(analyst) == {"Analyst"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_CHANGE_EXPIRED).count() == 1
    assert account_changes_expire() == 0  # once only


def test_the_person_the_request_is_about_cannot_decide_it(client, analyst, manager2):
    superuser = make_staff("outsider", "root", is_superuser=True, is_staff=True)
    change = account_change_request(actor=superuser, target=manager2, kind=Kind.PASSWORD_RESET, reason="x")
    with pytest.raises(AccountChangeRefused):
        account_change_approve(actor=manager2, pk=change.pk)
    with pytest.raises(AccountChangeRefused):
        account_change_reject(actor=manager2, pk=change.pk)


def test_a_manager_cannot_approve_what_they_could_not_ask_for(manager, manager2):
    superuser = make_staff("outsider", "root", is_superuser=True, is_staff=True)
    change = account_change_request(actor=superuser, target=manager2, kind=Kind.PASSWORD_RESET, reason="x")
    with pytest.raises(AccountChangeRefused, match="another manager"):
        account_change_approve(actor=manager, pk=change.pk)


def test_the_database_refuses_a_request_decided_by_its_requester(manager, analyst):
    change = ask_senior(manager, analyst)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountChangeRequest.objects.filter(pk=change.pk).update(decided_by=manager)


def test_a_failure_while_applying_leaves_everything_as_it_was(manager, manager2, analyst, monkeypatch):
    change = ask_senior(manager, analyst)

    def half_then_fail(change):
        analyst.groups.clear()
        raise RuntimeError("disk full")

    monkeypatch.setitem(account_changes._APPLY, Kind.ROLES, half_then_fail)
    with pytest.raises(RuntimeError):
        account_change_approve(actor=manager2, pk=change.pk)
    change.refresh_from_db()
    assert change.state == State.PENDING
    assert roles_of(analyst) == {"Analyst"}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_CHANGE_APPROVED).exists()


def test_removing_devices_covers_every_kind_of_second_factor(manager, manager2, analyst):
    recovery_codes_make(analyst)
    devices = [d.persistent_id for d in devices_for_user(analyst, confirmed=None)]
    assert len(devices) == 2
    change = account_change_request(
        actor=manager, target=analyst, kind=Kind.REMOVE_DEVICES, reason="Phone lost", payload={"devices": devices}
    )
    assert len(list(devices_for_user(analyst, confirmed=None))) == 2
    account_change_approve(actor=manager2, pk=change.pk)
    assert list(devices_for_user(analyst, confirmed=None)) == []


def test_reactivation_waits_for_the_second_manager(manager, manager2, analyst):
    analyst.is_active = False
    analyst.save()
    change = account_change_request(actor=manager, target=analyst, kind=Kind.REACTIVATE, reason="Back from leave")
    analyst.refresh_from_db()
    assert not analyst.is_active
    account_change_approve(actor=manager2, pk=change.pk)
    analyst.refresh_from_db()
    assert analyst.is_active


def test_a_requester_who_lost_the_manager_role_meanwhile_cannot_have_it_approved(manager, manager2, analyst):
    change = ask_senior(manager, analyst)
    manager.groups.clear()
    manager = type(manager).objects.get(pk=manager.pk)  # fresh permission cache
    with pytest.raises(AccountChangeRefused, match="no longer"):
        account_change_approve(actor=manager2, pk=change.pk)


def test_removing_devices_signs_the_person_out_everywhere(manager, manager2, analyst_client, analyst):
    assert analyst_client.get("/staff/").status_code == 200
    change = account_change_request(
        actor=manager,
        target=analyst,
        kind=Kind.REMOVE_DEVICES,
        reason="Phone stolen",
        payload={"devices": [analyst.totp_device.persistent_id]},
    )
    account_change_approve(actor=manager2, pk=change.pk)
    # Signed out, not merely unverified (which would lead to enrolling a new device in that session).
    assert analyst_client.get("/staff/")["Location"].startswith("/staff/login/")


def test_a_manager_may_not_reject_a_change_to_another_managers_account_either(manager, manager2):
    boss = make_staff("outsider", "boss", is_staff=True, is_superuser=True)
    change = account_change_request(
        actor=boss, target=manager2, kind=Kind.PASSWORD_RESET, reason="Locked out of their phone"
    )
    with pytest.raises(AccountChangeRefused):
        account_change_reject(actor=manager, pk=change.pk)
    change.refresh_from_db()
    assert change.state == State.PENDING
