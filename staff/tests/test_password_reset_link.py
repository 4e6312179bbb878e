"""An approved password reset: the old password stops, only the approver gets a single-use link,
the person chooses the new password. No manager ever knows it, and no password is stored in a request."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from staff.account_changes import account_change_approve, account_change_request, password_link_token
from staff.models import AccountChangeRequest, AuditEvent
from testsupport.personas import TEST_PASSWORD, FormClient

pytestmark = pytest.mark.django_db

NEW = "a brand new passphrase 2026"
LINK = re.compile(r"(/staff/password/link/\?t=[^<\s\"]+)")


@pytest.fixture
def reset_request(manager, analyst):
    return account_change_request(
        actor=manager, target=analyst, kind=AccountChangeRequest.Kind.PASSWORD_RESET, reason="Forgot it; called in"
    )


def approve_on_the_page(client, change):
    response = client.post(f"/staff/approvals/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 200, response.content.decode()[:500]
    return LINK.search(response.content.decode()).group(1)


def test_approval_stops_the_old_password_and_shows_the_link_to_the_approver(manager2_client, reset_request, analyst):
    link = approve_on_the_page(manager2_client, reset_request)
    analyst.refresh_from_db()
    assert not analyst.check_password(TEST_PASSWORD)
    assert link.startswith("/staff/password/link/?t=")


def test_the_link_sets_a_new_password_once(manager2_client, reset_request, analyst):
    link = approve_on_the_page(manager2_client, reset_request)
    person = FormClient()
    response = person.get(link)
    assert response["Location"] == "/staff/password/set/"  # the token leaves the address bar
    assert "Choose a new password" in person.get("/staff/password/set/").content.decode()
    response = person.post("/staff/password/set/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password(NEW)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, actor=analyst).exists()
    again = FormClient()
    again.get(link)
    assert again.get("/staff/password/set/").status_code == 400


def test_a_weak_password_is_refused_and_the_link_still_works(manager2_client, reset_request, analyst):
    person = FormClient()
    person.get(approve_on_the_page(manager2_client, reset_request))
    response = person.post("/staff/password/set/", {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    assert person.get("/staff/password/set/").status_code == 200


def test_an_old_or_forged_link_does_not_work(analyst, settings):
    token = password_link_token(user=analyst)
    person = FormClient()
    person.get(f"/staff/password/link/?t={token[:-2]}xx")
    assert person.get("/staff/password/set/").status_code == 400
    settings.STAFF_PASSWORD_LINK_HOURS = 1
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + timedelta(hours=2)
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        person.get(f"/staff/password/link/?t={token}")
        assert person.get("/staff/password/set/").status_code == 400


def test_the_requester_never_sees_the_link_and_no_password_is_stored(manager_client, manager2, reset_request):
    decision = account_change_approve(actor=manager2, pk=reset_request.pk)
    assert decision.password_link_token
    for page in ("/staff/approvals/", f"/staff/accounts/{reset_request.target_id}/", "/staff/audit/"):
        assert decision.password_link_token not in manager_client.get(page).content.decode()
    reset_request.refresh_from_db()
    assert reset_request.payload == {}


def test_the_token_travels_in_the_query_string_which_access_logs_leave_out(manager2_client, reset_request):
    from urllib.parse import urlsplit

    link = approve_on_the_page(manager2_client, reset_request)
    assert urlsplit(link).path == "/staff/password/link/"
