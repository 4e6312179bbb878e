"""A contact found over RDAP is used only once a manager approves it; a rejected one never is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from staff.models import AuditEvent
from takedown import lifecycle
from takedown.contact_approval import ContactApprovalError, contact_approve, contact_reject
from takedown.models import Notice, Recipient, Takedown
from testsupport.personas import make_staff
from testsupport.rdap_fixtures import answer, hosted_record, load, moved, registry

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def server(settings):
    settings.HOME_COUNTRY = "GB"
    settings.RDAP_BOOTSTRAP_DIR = ""
    settings.RDAP_TIMEOUT = 2
    settings.RDAP_RETRY_AFTER = timedelta(hours=24)
    routes = {f"/arin/ip/{IP}": moved(f"/ripe/ip/{IP}"), f"/ripe/ip/{IP}": answer(load("ripe_ipv4"))}
    with registry(routes) as server:
        settings.RDAP_SERVERS = [server.url("/arin/")]
        yield server


@pytest.fixture
def held(django_capture_on_commit_callbacks):
    """A home takedown opened without a contact; the look-up it queues on commit has found one."""
    record = hosted_record("http://bad.example/a", IP)
    with django_capture_on_commit_callbacks(execute=True):
        takedown = lifecycle.takedown_open(record=record)
    assert takedown.status == Takedown.Status.AWAITING_CONTACT
    return takedown


def found() -> Recipient:
    return Recipient.objects.get(source=Recipient.Source.RDAP)


def test_a_found_contact_is_not_used_until_a_manager_approves_it(held, manager):
    contact = found()
    assert not contact.approved

    assert lifecycle.takedowns_route_held() == 0
    held.refresh_from_db()
    assert held.status == Takedown.Status.AWAITING_CONTACT
    assert held.recipient is None
    assert not Notice.objects.exists()

    assert contact_approve(recipient=contact, user=manager) == 1

    contact.refresh_from_db()
    assert contact.approved and contact.approved_by == manager and contact.approved_at is not None
    held.refresh_from_db()
    assert held.status == Takedown.Status.AWAITING_NOTICE
    assert held.recipient == contact
    notice = Notice.objects.get()
    assert (notice.recipient, notice.purpose) == (contact, Notice.Purpose.INITIAL)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONTACT_APPROVED)
    assert event.actor == manager and event.target_id == str(contact.pk)


def test_a_rejected_contact_is_deactivated_and_the_takedown_keeps_waiting(held, manager):
    contact = found()

    contact_reject(recipient=contact, user=manager, reason="Reseller's address, not the host's")

    contact.refresh_from_db()
    assert not contact.active and not contact.approved
    assert "Rejected by manager" in contact.notes and "Reseller" in contact.notes
    assert lifecycle.takedowns_route_held() == 0
    held.refresh_from_db()
    assert held.status == Takedown.Status.AWAITING_CONTACT
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONTACT_REJECTED)
    assert event.actor == manager and event.details["reason"] == "Reseller's address, not the host's"
    with pytest.raises(ContactApprovalError, match="rejected or deactivated"):
        contact_approve(recipient=contact, user=manager)


@pytest.mark.parametrize("role", ["analyst", "senior", "outsider"])
def test_only_a_manager_can_approve_or_reject(held, role):
    contact = found()
    user = make_staff(role, is_staff=True)

    with pytest.raises(ContactApprovalError, match="Only a manager"):
        contact_approve(recipient=contact, user=user)
    with pytest.raises(ContactApprovalError, match="Only a manager"):
        contact_reject(recipient=contact, user=user)

    contact.refresh_from_db()
    assert not contact.approved and contact.active
    assert not AuditEvent.objects.filter(action__in=["contact_approved", "contact_rejected"]).exists()
    held.refresh_from_db()
    assert held.status == Takedown.Status.AWAITING_CONTACT


def test_a_contact_is_approved_once(held, manager):
    contact = found()
    contact_approve(recipient=contact, user=manager)

    with pytest.raises(ContactApprovalError, match="already approved"):
        contact_approve(recipient=contact, user=manager)
    with pytest.raises(ContactApprovalError, match="already approved"):
        contact_reject(recipient=contact, user=manager)
    assert AuditEvent.objects.filter(action="contact_approved").count() == 1


def test_a_contact_that_does_not_validate_is_not_approved(held, manager):
    contact = found()
    Recipient.objects.filter(pk=contact.pk).update(cidrs="203.0.113.0/24\nnot-a-block")

    with pytest.raises(ContactApprovalError, match="not-a-block"):
        contact_approve(recipient=contact, user=manager)

    contact.refresh_from_db()
    assert not contact.approved
    held.refresh_from_db()
    assert held.status == Takedown.Status.AWAITING_CONTACT


def test_partner_hotlines_and_police_channels_are_not_approved_here(manager):
    partner = Recipient.objects.create(kind="partner_hotline", name="Partner", email="p@example.net", approved=False)

    with pytest.raises(ContactApprovalError, match="not a hosting provider"):
        contact_approve(recipient=partner, user=manager)
