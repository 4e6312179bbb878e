"""Every staff page and every admin page meets WCAG 2.2 AA, signed in as the person who uses it.

One seeded database and one browser for all of them: a synthetic history
(`seed_demo`'s generator), a record an analyst has claimed, one awaiting a
second senior's confirmation, a takedown with notices and a reply, and one
object of every model registered in the admin. Each persona signs in once
(password, then TOTP, on the real pages) and visits its pages; on each,
axe-core finds no WCAG 2.0-2.2 A/AA violation and every field's edge has 3:1
against the page. The admin is walked from its registry: the changelist, the
add form and a change form of every registered model, as a manager where a
manager may see it and as a superuser where only a superuser may.

Staff pages (not the admin, which Django lays out for wide screens) must also
pass at 360 px and not scroll sideways there, and load nothing from another
site, log no console error and break no Content-Security-Policy rule. Every failure is collected, so one run lists
them all.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard.seeding import seed
from exchange.models import Forward, ForwardEvent, InboundForward, StatusUpdate
from memberapi.models import Member
from memberapi.services import api_key_create
from portals.models import Portal
from reports.models import Report
from takedown.lifecycle import reply_record
from takedown.models import ContactLookup, NoticeTemplate, Recipient, Takedown
from tests_browser.checks import _WEAK_FIELD_EDGES as WEAK_FIELD_EDGES
from tests_browser.checks import axe_violations, format_violations, horizontal_overflow
from testsupport.exchange import exchange_partner
from testsupport.personas import TEST_PASSWORD, make_staff, recovery_codes_make, totp_now
from triage.models import TriageState

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(window, user) -> None:
    page = window.page
    window.go("/staff/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.fill("input[name=otp_token]", totp_now(user.totp_device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert not urlsplit(page.url).path.startswith("/staff/verify"), f"{user.username} could not sign in"


def the_world():
    """Seeded history plus one object of every kind the admin shows; the personas."""
    people = {
        "analyst": make_staff("analyst", "analyst"),
        "senior": make_staff("senior", "senior"),
        "senior2": make_staff("senior", "senior2"),
        "manager": make_staff("manager", "manager", is_staff=True),
        "superuser": make_staff("outsider", "root", is_staff=True, is_superuser=True),
    }
    recovery_codes_make(people["analyst"])
    seed(reports=300, seed=7, say=lambda _text: None)
    # A few records back in the queue (the seeded history has assessed nearly everything).
    waiting = TriageState.objects.filter(status="no_action").order_by("pk").values_list("pk", flat=True)[:3]
    TriageState.objects.filter(pk__in=list(waiting)).update(status="awaiting_assessment", assessment=None)
    Portal.objects.get_or_create(slug="main", defaults={"name": "Main hotline", "is_default": True})
    Portal.objects.create(
        slug="ua", name="Ukraine portal", default_language="uk", extra_languages="uk", home_country="UA"
    )
    member = Member.objects.create(name="Filtering Co", contact_email="api@filtering.example")
    api_key_create(
        member=member, name="nightly", scopes=["urllist:read"], expires_at=timezone.now() + timedelta(days=9)
    )
    hosting = Recipient.objects.filter(kind=Recipient.Kind.HOSTING_PROVIDER).first()
    ContactLookup.objects.create(ip="192.0.2.10", outcome="found", recipient=hosting, server="https://rdap.example/")
    if not NoticeTemplate.objects.exists():
        NoticeTemplate.objects.create(
            kind=Recipient.Kind.HOSTING_PROVIDER,
            purpose="notice",
            subject="Notice",
            body="{% for line in lines %}{{ line.url }}\n{% endfor %}",
        )
    attempt = {"username": "nobody", "ip_address": "192.0.2.20", "user_agent": "", "http_accept": "", "path_info": "/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    takedown = Takedown.objects.filter(notices__isnull=False).select_related("record").first()
    reply_record(takedown=takedown, says="received", text="Looking into it.", user=people["analyst"])
    exchange_world(takedown)
    return people, takedown


def exchange_world(takedown: Takedown) -> None:
    """A partner hotline set up for the exchange, one forward each way and a status owed to the partner."""
    partner, _their_key = exchange_partner(name="Hotline NL", routes_to="")
    forward = Forward.objects.create(partner=partner, record=takedown.record, reference="RS-1", status="received")
    ForwardEvent.objects.create(forward=forward, sequence=1, status="received", at=timezone.now())
    report = Report.objects.filter(addresses__record=takedown.record).first()
    inbound = InboundForward.objects.create(
        partner=partner, reference="NL-1", record=takedown.record, report=report, idempotency_key="k-1"
    )
    StatusUpdate.objects.create(inbound=inbound, status="assessed", sequence=2, at=timezone.now())


def admin_pages(people) -> list[tuple[str, str]]:
    """(persona, path) for the admin's index, each app, and each model's list, add and change pages."""
    factory = RequestFactory()
    pages = [("manager", reverse("admin:index")), ("manager", reverse("admin:password_change"))]
    apps = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        request = factory.get("/admin/")
        request.user = people["manager"]
        who = "manager" if model_admin.has_view_permission(request) else "superuser"
        request.user = people[who]
        apps.add((who, meta.app_label))
        pages.append((who, reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((who, reverse(f"admin:{meta.app_label}_{meta.model_name}_add")))
        queryset = model_admin.get_queryset(request)
        if model is people["manager"].__class__:
            queryset = queryset.filter(username="analyst" if who == "manager" else "manager")
        obj = queryset.order_by("pk").first()
        assert obj is not None, f"nothing to show in the admin for {meta.label}: the test should make one"
        pages.append((who, reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])))
    pages += [(who, reverse("admin:app_list", args=[label])) for who, label in sorted(apps)]
    return pages


def test_every_staff_and_admin_page_meets_wcag_22_aa(live_server, browser, windows, step, settings):
    settings.TRIAGE_BREAK_AFTER_MINUTES = 10_000
    people, takedown = the_world()
    confirmed = takedown.record_id
    host = takedown.record.host
    failures: list[str] = []
    windows_by_persona = {}

    def window_for(persona: str):
        if persona not in windows_by_persona:
            window = windows(live_server.url, persona, viewport=DESKTOP)
            sign_in(window, people[persona])
            windows_by_persona[persona] = window
        return windows_by_persona[persona]

    def check(persona: str, path: str, *, phone: bool = True, already_there: bool = False) -> None:
        window = window_for(persona)
        page = window.page
        where = f"{path} as {persona}"
        with step(where.replace("/", "_")):
            if not already_there:
                response = page.goto(live_server.url + path)
                if response is None or not response.ok:
                    failures.append(f"{where}: answered {response and response.status}")
                    return
            violations = axe_violations(page)
            if violations:
                failures.append(f"{where}: axe-core\n{format_violations(violations)}")
            weak = page.evaluate(WEAK_FIELD_EDGES)
            if weak:
                failures.append(f"{where}: field edges under 3:1\n  " + "\n  ".join(weak))
            if phone:
                page.set_viewport_size(PHONE)
                overflow = horizontal_overflow(page)
                violations = axe_violations(page)
                page.set_viewport_size(DESKTOP)
                if overflow:
                    failures.append(f"{where}: scrolls sideways at 360 px\n  " + "\n  ".join(overflow))
                if violations:
                    failures.append(f"{where} at 360 px: axe-core\n{format_violations(violations)}")
            # Our own pages must also stay clean of foreign requests, console errors and CSP
            # violations. Django's admin scripts set inline styles the policy refuses (harmless,
            # they only size widgets); its pages are held to the accessibility checks alone.
            problems = window.problems()
            if problems and not path.startswith("/admin/"):
                failures.append(f"{where}: " + "; ".join(problems))
            window.foreign.clear(), window.console_errors.clear(), window.csp_violations.clear()

    # Before signing in: the sign-in page itself.
    anonymous = windows(live_server.url, "anonymous", viewport=DESKTOP)
    windows_by_persona["anonymous"] = anonymous
    check("anonymous", "/staff/login/")

    # An analyst: the queue, a claimed record with the assessment form, assessing it.
    check("analyst", "/triage/")
    page = window_for("analyst").page
    with page.expect_navigation():
        page.click("form[data-shortcut-next] button[type=submit]")
    claimed = int(urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[1])
    check("analyst", f"/triage/record/{claimed}/", already_there=True)
    page.check("input[name=outcome][value=criminal_a]")
    page.select_option("select[name=age_group]", "11-13")
    page.select_option("select[name=sex]", "girls")
    page.select_option("select[name=site_type]", "image_host")
    page.select_option("select[name=commercial]", "no")
    with page.expect_navigation():
        page.click("[data-assessment-form] button[type=submit]")
    assert TriageState.objects.get(pk=claimed).status == "awaiting_confirmation"
    for path in ["/staff/", "/staff/password/", f"/triage/record/{confirmed}/", "/api/v1/docs/"]:
        check("analyst", path)
    for view in ["open", "waiting", "queued", "out", "escalated", "reopened", "closed"]:
        check("analyst", f"/takedown/?view={view}")

    # A senior analyst: what awaits confirmation, the confirmation page, bulk, a confirmed record.
    for path in [
        "/triage/confirm/",
        f"/triage/record/{claimed}/confirm/",
        f"/triage/bulk/?host={host}",
        f"/triage/record/{confirmed}/",
        "/staff/",
    ]:
        check("senior", path)

    # A manager: their landing page, the audit trail, the dashboard, takedown.
    portal = Portal.objects.get(slug="ua")
    for path in ["/staff/", "/staff/audit/", "/dashboard/", f"/dashboard/?portal={portal.pk}", "/takedown/"]:
        check("manager", path)

    for persona, path in admin_pages(people):
        check(persona, path, phone=False)

    assert not failures, f"{len(failures)} pages fail WCAG 2.2 AA:\n\n" + "\n\n".join(failures)
