"""The takedown pages of the admin: managers keep recipients and templates; the rest is read-only and defanged."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from staff.models import AuditEvent
from takedown import lifecycle
from takedown.models import ContactLookup, Notice, NoticeBatch, NoticeTemplate, Recipient, Reply, Takedown
from testsupport.personas import login_verified, make_staff
from testsupport.rdap_fixtures import hosted_record

pytestmark = pytest.mark.django_db
SECRET = "s3cret-webhook-signing-key"  # noqa: S105  (test value)
PAGES = ("hostingprovider", "partnerhotline", "lawenforcementcontact", "noticetemplate", "takedown", "noticebatch",
         "notice", "reply", "contactlookup")  # fmt: skip


@pytest.fixture
def pending(db):
    return Recipient.objects.create(
        kind="hosting_provider",
        name="Example Hosting Ltd",
        email="abuse@example-hosting.co.uk",
        cidrs="203.0.113.0/24",
        source="rdap",
        approved=False,
        rdap_handle="203.0.113.0 - 203.0.113.255",
    )


@pytest.fixture
def partner(db):
    return Recipient.objects.create(
        kind="partner_hotline",
        name="Meldpunt",
        countries="NL BE",
        email="reports@partner.example",
        webhook_url="https://partner.example/hook",
        webhook_secret=SECRET,
    )


@pytest.fixture
def held(settings, pending):
    """A home takedown waiting for a contact, with a reply, a batch and a look-up to look at."""
    settings.HOME_COUNTRY = "GB"
    record = hosted_record("http://bad.example/path?q=1", "203.0.113.7")
    takedown = lifecycle.takedown_open(record=record)
    batch = NoticeBatch.objects.create(
        recipient=pending,
        channel="email",
        subject="Abuse at http://bad.example/path",
        body="http://bad.example/path?q=1",
    )
    Notice.objects.create(takedown=takedown, recipient=pending, purpose="initial", batch=batch)
    ContactLookup.objects.create(ip="203.0.113.7", outcome="found", recipient=pending, server="https://rdap.example/")
    Reply.objects.create(
        takedown=takedown, says="moved", moved_to="http://elsewhere.example/x", recorded_by=make_staff("senior")
    )
    return takedown


@pytest.mark.parametrize("page", PAGES)
def test_a_manager_sees_every_takedown_page(manager_client, held, partner, page):
    NoticeTemplate.objects.get_or_create(
        kind="hosting_provider", purpose="initial", defaults={"subject": "s", "body": "b"}
    )

    assert manager_client.get(f"/admin/takedown/{page}/").status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_an_analyst_is_refused_them(analyst_client, page):
    assert analyst_client.get(f"/admin/takedown/{page}/", follow=True).status_code == 403


def test_staff_without_the_recipient_permissions_are_refused_the_contact_pages(client):
    login_verified(client, make_staff("analyst", is_staff=True))

    assert client.get("/admin/takedown/hostingprovider/").status_code == 403
    assert client.get("/admin/takedown/noticetemplate/").status_code == 403


def test_contacts_awaiting_approval_are_counted_and_filtered(manager_client, pending):
    Recipient.objects.create(kind="hosting_provider", name="Approved Host", email="abuse@approved.example")

    page = manager_client.get("/admin/takedown/hostingprovider/").content.decode()
    assert "Awaiting approval (1)" in page
    assert "1 contact found automatically awaiting approval" in page

    waiting = manager_client.get("/admin/takedown/hostingprovider/?approval=waiting").content.decode()
    assert "Example Hosting Ltd" in waiting and "Approved Host" not in waiting
    by_block = manager_client.get("/admin/takedown/hostingprovider/?q=203.0.113").content.decode()
    assert "Example Hosting Ltd" in by_block and "Approved Host" not in by_block


def test_the_contact_pages_show_only_their_own_kind(manager_client, pending, partner):
    hosts = manager_client.get("/admin/takedown/hostingprovider/").content.decode()
    partners = manager_client.get("/admin/takedown/partnerhotline/").content.decode()

    assert "Example Hosting Ltd" in hosts and "Meldpunt" not in hosts
    assert "Meldpunt" in partners and "Example Hosting Ltd" not in partners
    host_form = manager_client.get(f"/admin/takedown/hostingprovider/{pending.pk}/change/").content.decode()
    assert 'name="cidrs"' in host_form and 'name="webhook_url"' not in host_form and 'name="approved"' not in host_form


def test_a_manager_approves_a_contact_from_the_list_and_held_takedowns_are_routed(manager_client, manager, held):
    contact = Recipient.objects.get(source="rdap")

    response = manager_client.post(
        "/admin/takedown/hostingprovider/", {"action": "approve_contacts", "_selected_action": [contact.pk]}
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.approved and contact.approved_by == manager
    assert Takedown.objects.get(pk=held.pk).status == Takedown.Status.AWAITING_NOTICE
    assert AuditEvent.objects.filter(action="contact_approved", actor=manager).count() == 1


def test_a_manager_rejects_a_contact_from_the_list(manager_client, manager, pending):
    manager_client.post(
        "/admin/takedown/hostingprovider/", {"action": "reject_contacts", "_selected_action": [pending.pk]}
    )

    pending.refresh_from_db()
    assert not pending.active and not pending.approved
    assert AuditEvent.objects.filter(action="contact_rejected", actor=manager).count() == 1


def test_staff_who_may_edit_contacts_but_not_approve_them_cannot_approve_from_the_list(client, pending):
    clerk = make_staff("outsider", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="takedown", codename__in=["view_recipient", "change_recipient"]
        )
    )
    login_verified(client, clerk)

    page = client.get("/admin/takedown/hostingprovider/").content.decode()
    assert "approve_contacts" not in page
    client.post("/admin/takedown/hostingprovider/", {"action": "approve_contacts", "_selected_action": [pending.pk]})

    pending.refresh_from_db()
    assert not pending.approved
    assert not AuditEvent.objects.filter(action="contact_approved").exists()


def test_a_contact_entered_by_a_manager_is_approved_by_them_and_audited(manager_client, manager):
    response = manager_client.post(
        "/admin/takedown/hostingprovider/add/",
        {"name": "Manual Host", "email": "abuse@manual.example", "active": "on", "notes": "", "network_names": "",
         "asns": "AS64500", "cidrs": "192.0.2.0/24"},
    )  # fmt: skip

    assert response.status_code == 302
    contact = Recipient.objects.get(name="Manual Host")
    assert (contact.kind, contact.source, contact.approved, contact.approved_by) == (
        "hosting_provider",
        "manual",
        True,
        manager,
    )
    assert AuditEvent.objects.filter(action="configuration_changed", target_id=str(contact.pk)).exists()


def test_bad_contact_input_is_refused_with_a_clear_error(manager_client):
    response = manager_client.post(
        "/admin/takedown/hostingprovider/add/",
        {"name": "Bad", "email": "", "active": "on", "network_names": "", "asns": "sixty", "cidrs": "192.0.2.0/33"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not AS numbers: sixty" in page and "Not address blocks: 192.0.2.0/33" in page
    assert not Recipient.objects.exists()


def test_the_webhook_secret_is_never_shown_and_kept_when_left_empty(manager_client, partner):
    listing = manager_client.get("/admin/takedown/partnerhotline/").content.decode()
    form = manager_client.get(f"/admin/takedown/partnerhotline/{partner.pk}/change/").content.decode()

    assert SECRET not in listing and SECRET not in form
    assert 'type="password" name="webhook_secret"' in form

    data = {
        "name": "Meldpunt NL",
        "countries": "NL",
        "email": "reports@partner.example",
        "webhook_url": "https://partner.example/hook",
        "webhook_secret": "",
        "active": "on",
        "notes": "",
    }
    assert manager_client.post(f"/admin/takedown/partnerhotline/{partner.pk}/change/", data).status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.webhook_secret) == ("Meldpunt NL", SECRET)


def test_a_new_webhook_needs_a_secret(manager_client):
    data = {"name": "New Partner", "countries": "DE", "email": "", "webhook_url": "https://new.example/hook",
            "webhook_secret": "", "active": "on", "notes": ""}  # fmt: skip

    response = manager_client.post("/admin/takedown/lawenforcementcontact/add/", data)

    assert response.status_code == 200
    assert "needs a shared secret" in response.content.decode()
    assert not Recipient.objects.exists()


def test_recipients_are_deactivated_never_deleted(manager_client, pending, partner):
    assert manager_client.get(f"/admin/takedown/hostingprovider/{pending.pk}/delete/").status_code == 403
    assert (
        manager_client.post(f"/admin/takedown/partnerhotline/{partner.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Recipient.objects.count() == 2


def test_a_notice_template_with_a_syntax_error_is_refused_and_unchanged(manager_client, manager):
    # A data migration may already have made the default templates.
    template, _ = NoticeTemplate.objects.update_or_create(
        kind="hosting_provider",
        purpose="initial",
        defaults={"subject": "Abuse notice", "body": "Dear {{ recipient.name }}"},
    )
    url = f"/admin/takedown/noticetemplate/{template.pk}/change/"

    response = manager_client.post(url, {"subject": "Abuse {% if %}", "body": "Dear {{ recipient.name }"})

    assert response.status_code == 200
    assert "Subject: " in response.content.decode()
    template.refresh_from_db()
    assert template.subject == "Abuse notice"

    body = "Dear {{ recipient_name }},\n{% for line in lines %}{{ line.url }}\n{% endfor %}"
    response = manager_client.post(url, {"subject": "Abuse notice ({{ count }})", "body": body})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Abuse notice ({{ count }})" and template.updated_by == manager


def test_the_template_error_says_what_is_wrong(manager_client, monkeypatch):
    from takedown import admin as takedown_admin

    monkeypatch.setattr(takedown_admin, "template_problems", lambda subject, body: ["Body: unknown variable 'x'"])
    template, _ = NoticeTemplate.objects.update_or_create(
        kind="partner_hotline", purpose="initial", defaults={"subject": "s", "body": "b"}
    )

    response = manager_client.post(
        f"/admin/takedown/noticetemplate/{template.pk}/change/", {"subject": "s", "body": "{{ x }}"}
    )

    assert "Body: unknown variable &#x27;x&#x27;" in response.content.decode()


def test_without_the_render_module_template_syntax_is_still_checked(monkeypatch):
    import builtins

    from takedown.admin import template_problems

    real_import = builtins.__import__

    def no_render(name, *args, **kwargs):
        if name == "takedown.notices.render":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_render)

    assert template_problems("ok {{ a }}", "fine") == []
    problems = template_problems("ok", "{% for %}")
    assert len(problems) == 1 and problems[0].startswith("Body:")


@pytest.mark.parametrize("page", ["takedown", "notice", "reply", "noticebatch"])
def test_reported_addresses_are_shown_defanged_never_as_links(manager_client, held, page):
    obj_id = {"takedown": held.pk, "notice": Notice.objects.get().pk, "reply": Reply.objects.get().pk,
              "noticebatch": NoticeBatch.objects.get().pk}[page]  # fmt: skip
    listing = manager_client.get(f"/admin/takedown/{page}/").content.decode()
    detail = manager_client.get(f"/admin/takedown/{page}/{obj_id}/change/").content.decode()

    for body in (listing, detail):
        assert "bad.example" not in body and "elsewhere.example" not in body
    if page != "noticebatch":
        assert "hxxp://bad[.]example/path" in listing
    assert "bad[.]example" in detail


@pytest.mark.parametrize("page", ["takedown", "noticebatch", "notice", "reply", "contactlookup"])
def test_what_happened_is_read_only(manager_client, held, page):
    assert manager_client.get(f"/admin/takedown/{page}/add/").status_code == 403
    assert Takedown.objects.filter(pk=held.pk).exists()


def test_a_takedown_cannot_be_changed_or_deleted_from_the_admin(manager_client, held):
    detail = manager_client.get(f"/admin/takedown/takedown/{held.pk}/change/").content.decode()
    assert 'name="status"' not in detail
    assert (
        manager_client.post(f"/admin/takedown/takedown/{held.pk}/change/", {"status": "content_removed"}).status_code
        == 403
    )
    assert manager_client.post(f"/admin/takedown/takedown/{held.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Takedown.objects.get(pk=held.pk).status == Takedown.Status.AWAITING_CONTACT


def test_a_contact_a_manager_adds_routes_the_takedowns_waiting_for_it(
    manager_client, settings, django_capture_on_commit_callbacks
):
    settings.HOME_COUNTRY = "GB"
    takedown = lifecycle.takedown_open(record=hosted_record("http://bad.example/a", "192.0.2.7"))
    data = {"name": "Manual Host", "email": "abuse@manual.example", "active": "on", "cidrs": "192.0.2.0/24"}

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            "/admin/takedown/hostingprovider/add/", {**data, "notes": "", "network_names": "", "asns": ""}
        )

    takedown.refresh_from_db()
    assert takedown.status == Takedown.Status.AWAITING_NOTICE
    assert takedown.recipient.name == "Manual Host"
