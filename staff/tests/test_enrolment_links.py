"""One-time enrolment links: made by a manager, hashed, expiring, single use, audited."""

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.enrolment import enrolment_link_create
from staff.models import AuditEvent, EnrolmentLink
from testsupport.personas import TEST_PASSWORD, FormClient, make_staff, recovery_codes_make
from testsupport.staff import enrolment_code, is_signed_in, open_enrolment_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("newcomer", password=TEST_PASSWORD)
    user.groups.add(Group.objects.get(name="Analyst"))
    return user


def link_url(manager_client, username="newcomer") -> tuple:
    response = manager_client.post("/staff/enrolment-links/", {"username": username})
    found = re.search(
        r'<code class="enrolment-url">http://testserver(/staff/enrol/link/\?t=[^<]+)</code>', response.content.decode()
    )
    return response, (found.group(1) if found else None)


def test_a_manager_makes_a_link_which_is_shown_once_and_stored_hashed(manager_client, newcomer):
    response, url = link_url(manager_client)
    assert response.status_code == 200 and url
    token = url.split("?t=", 1)[1]
    link = EnrolmentLink.objects.get(user=newcomer)
    assert token not in link.token_digest and len(link.token_digest) == 64
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_LINK_CREATED)
    assert event.actor == manager_client.user and event.target_id == str(newcomer.pk)
    assert token not in str(event.details) and token not in event.summary
    assert url not in manager_client.get("/staff/enrolment-links/").content.decode()


def test_an_analyst_cannot_make_links(analyst_client, newcomer):
    assert analyst_client.post("/staff/enrolment-links/", {"username": "newcomer"}).status_code == 403
    assert not EnrolmentLink.objects.exists()


def test_a_manager_cannot_make_a_link_for_another_manager_or_for_someone_with_a_factor(manager_client):
    for person in (make_staff("manager", "boss2"), make_staff("analyst", "settled")):
        response, url = link_url(manager_client, person.username)
        assert response.status_code == 400 and url is None
    assert not EnrolmentLink.objects.exists()


def test_the_link_and_the_password_lead_to_enrolment_and_the_link_works_once(newcomer):
    client = FormClient()
    open_enrolment_link(client, newcomer)
    token_link = EnrolmentLink.objects.get(user=newcomer)
    assert client.post("/staff/enrol/", {"otp_token": enrolment_code(client)}).status_code == 200
    assert is_signed_in(client)
    token_link.refresh_from_db()
    assert token_link.used_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"enrolment_link_created", "enrolment_link_opened", "enrolment_started", "enrolled", "login"} <= actions


def test_a_used_link_is_refused_and_the_refusal_is_on_the_trail(newcomer):
    _link, token = enrolment_link_create(user=newcomer)
    client = FormClient()
    client.post("/staff/enrol/link/", {"t": token, "password": TEST_PASSWORD})
    client.get("/staff/enrol/")
    client.post("/staff/enrol/", {"otp_token": enrolment_code(client)})
    again = FormClient().get(f"/staff/enrol/link/?t={token}")
    assert again.status_code == 410
    refused = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_LINK_REFUSED)
    assert refused.details["reason"] in ("used", "enrolled")


def test_an_expired_link_is_refused(newcomer):
    link, token = enrolment_link_create(user=newcomer)
    EnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = FormClient().post("/staff/enrol/link/", {"t": token, "password": TEST_PASSWORD})
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_newer_link_ends_the_older_one(newcomer):
    _old, old_token = enrolment_link_create(user=newcomer)
    enrolment_link_create(user=newcomer)
    assert FormClient().get(f"/staff/enrol/link/?t={old_token}").status_code == 410


def test_an_unknown_link_is_a_404(client):
    assert client.get("/staff/enrol/link/?t=not-a-real-token").status_code == 404


def test_a_wrong_password_at_the_link_reaches_no_secret_and_counts_as_a_failure(newcomer):
    _link, token = enrolment_link_create(user=newcomer)
    client = FormClient()
    response = client.post("/staff/enrol/link/", {"t": token, "password": "wrong password entirely"})
    assert response.status_code == 400
    assert client.get("/staff/enrol/")["Location"].startswith("/staff/login/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_username="newcomer").exists()


def test_a_link_opened_in_another_session_while_enrolling_cannot_be_used_after_enrolment(newcomer):
    first, second = FormClient(), FormClient()
    _link, token = enrolment_link_create(user=newcomer)
    for client in (first, second):
        client.post("/staff/enrol/link/", {"t": token, "password": TEST_PASSWORD})
        client.get("/staff/enrol/")
    first.post("/staff/enrol/", {"otp_token": enrolment_code(first)})
    # The second session's attempt ended with the link: no secret, no device.
    assert second.get("/staff/enrol/").status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


def test_the_command_makes_a_link_for_the_first_manager(django_user_model, capsys):
    django_user_model.objects.create_user("firstboss", password=TEST_PASSWORD, is_staff=True)
    call_command("enrolment_link", "firstboss", "--base-url", "https://hotline.example")
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://hotline.example/staff/enrol/link/?t=")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT_LINK_CREATED)
    assert event.actor is None and event.actor_username == "(command line)"


def test_the_command_refuses_an_account_that_has_a_factor():
    make_staff("manager", "boss")
    with pytest.raises(CommandError):
        call_command("enrolment_link", "boss")


def test_a_recovery_code_only_account_can_add_an_app_and_keeps_its_codes(newcomer):
    codes = recovery_codes_make(newcomer)
    client = FormClient()
    client.post("/staff/login/", {"username": "newcomer", "password": TEST_PASSWORD})
    client.post("/staff/verify/", {"otp_token": codes[0]})
    assert is_signed_in(client)
    page = client.get("/staff/enrol/")
    assert page.status_code == 200
    response = client.post("/staff/enrol/", {"otp_token": enrolment_code(client)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    from staff.services import recovery_codes_left

    assert recovery_codes_left(user=newcomer) == 9


def test_the_token_rides_in_the_query_string_which_the_access_logs_leave_out(newcomer):
    from urllib.parse import urlsplit

    from staff.enrolment import enrolment_link_path

    _link, token = enrolment_link_create(user=newcomer)
    url = urlsplit(enrolment_link_path(token))
    assert url.path == "/staff/enrol/link/" and token not in url.path and url.query == f"t={token}"
    page = FormClient().get(enrolment_link_path(token)).content.decode()
    # The form sends it back in its body, not in the address.
    assert 'action="/staff/enrol/link/"' in page and f'name="t" value="{token}"' in page


def test_an_account_with_only_recovery_codes_may_get_a_link_and_keeps_its_codes(manager_client, newcomer):
    from staff.services import recovery_codes_left

    recovery_codes_make(newcomer)
    response, url = link_url(manager_client)
    assert response.status_code == 200 and url
    client = FormClient()
    client.get(url)
    client.post("/staff/enrol/link/", {"t": url.split("?t=", 1)[1], "password": TEST_PASSWORD})
    assert client.get("/staff/enrol/").status_code == 200
    response = client.post("/staff/enrol/", {"otp_token": enrolment_code(client)})
    assert response.status_code == 302 and is_signed_in(client)
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    assert recovery_codes_left(user=newcomer) == 10


def test_a_made_up_token_leaves_no_row_on_the_trail():
    before = AuditEvent.objects.count()
    for n in range(3):
        assert FormClient().get(f"/staff/enrol/link/?t=made-up-{n}").status_code == 404
    assert AuditEvent.objects.count() == before
