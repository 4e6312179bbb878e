"""The whole product in a real browser, from a reporter's French form to their status page saying action taken.

A reporter lists three addresses, one mistyped, and corrects it; enrichment
checks them against a loopback "hosting site"; an analyst signs in with TOTP
and assesses one as Category A; a second senior analyst confirms it; the
notice reaches a local SMTP server; a member finds the address on the URL list
through the API; the site stops serving it; two re-checks mark it removed and
it leaves the list; the managers' dashboard counts the removal; the reporter's
status page says action taken.

Everything runs in this process: the live server (pytest-django), tasks inline
(the root conftest), the hosting site, the mail server. Beat tasks are called
directly, with `now` moved forward, instead of waiting for the schedule. Every
window is watched for requests to other hosts, console errors and CSP
violations after every step; a failed step leaves screenshots in
test-artifacts/.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

import dns.resolver
import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from enrichment import hosting, tracking
from memberapi.models import Member
from memberapi.services import api_key_create
from memberapi.tasks import sequence_list_changes
from reports.models import Report, UrlRecord
from takedown import tasks as takedown_tasks
from takedown.models import Recipient, Takedown
from tests_browser.languages import path_in, site_languages
from testsupport.loopback import LoopbackServer, Reply
from testsupport.personas import TEST_PASSWORD, make_staff, totp_now
from testsupport.smtp_server import SmtpServer
from triage.models import TriageState
from triage.public_status import PublicStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

# The reporter's language: French, once the site offers it.
LANGUAGE = "fr" if "fr" in site_languages() else settings.LANGUAGE_CODE
ABUSE_DESK = "abuse@loopback-hosting.example"


class LocalhostNames:
    """A DNS resolver for enrichment in which every *.localhost name has 127.0.0.1 and nothing else exists."""

    def resolve(self, qname, rdtype, **kwargs):
        name = qname.to_text(omit_final_dot=True)
        if not name.endswith(".localhost"):
            raise dns.resolver.NXDOMAIN()
        if rdtype != "A":
            raise dns.resolver.NoAnswer()
        return ["127.0.0.1"]


class HostingSite:
    """The reported site: a loopback server that serves the paths in `online` and answers 404 to the rest."""

    def __init__(self) -> None:
        self.online: set[str] = set()
        self.server = LoopbackServer(self._answer).start()

    def _answer(self, request) -> Reply:
        path = urlsplit(request.target).path if "://" in request.target else request.target
        if path in self.online:
            return Reply(200, headers=[("Content-Type", "text/html"), ("Content-Length", "0")])
        return Reply(404, headers=[("Content-Length", "0")])

    def url(self, name: str, path: str) -> str:
        self.online.add(path)
        return self.server.url(path, host=f"{name}.localhost")


@pytest.fixture
def hosting_site(settings, monkeypatch):
    """A loopback site that the liveness check may reach, hosted (as far as we know) in HOME_COUNTRY.

    Loopback has no country in any geolocation data (`hosting.locate` answers
    None for it), so here it is placed in the home country, as a real home
    provider's network would be; everything else about routing is the real thing.
    """
    site = HostingSite()
    settings.CHECK_ALLOW_PORTS = [site.server.port]
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    settings.CHECK_PROXY_URL = ""
    settings.HOME_COUNTRY = "GB"
    monkeypatch.setattr(hosting, "_default_resolver", LocalhostNames)
    real_locate = hosting.locate

    def locate(ip: str) -> hosting.Location:
        if ipaddress.ip_address(ip).is_loopback:
            return hosting.Location("GB", "United Kingdom", 64500, "LOOPBACK-HOSTING", "geoip2fast", True, None)
        return real_locate(ip)

    monkeypatch.setattr(hosting, "locate", locate)
    yield site
    site.server.stop()


@pytest.fixture
def mail_server(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    yield server
    server.stop()


def sign_in(window, user, then: str) -> None:
    """Password, then the TOTP code, on the real staff pages."""
    page = window.page
    window.go(then)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.fill("input[name=otp_token]", totp_now(user.totp_device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == then


def url_list(base: str, key: str) -> list[str]:
    answer = requests.get(
        f"{base}/api/v1/urllist/", params={"format": "text"}, headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.text.split()


def test_a_report_goes_from_the_form_to_removal_and_the_reporter_sees_action_taken(
    public_site, hosting_site, mail_server, windows, step
):
    base = public_site
    analyst = make_staff("analyst", "alice")
    senior = make_staff("senior", "senior2")
    manager = make_staff("manager", "mona")
    provider = Recipient.objects.create(
        kind=Recipient.Kind.HOSTING_PROVIDER, name="Loopback Hosting", email=ABUSE_DESK, cidrs="127.0.0.0/8"
    )
    Recipient.objects.create(
        kind=Recipient.Kind.LAW_ENFORCEMENT, name="Home police", email="police@home.example", countries="GB"
    )
    gallery = hosting_site.url("img", "/gallery/7")
    forum = hosting_site.url("forum", "/t/123")
    blog = hosting_site.url("blog", "/post/9")
    reporter = windows(base, "reporter")
    page = reporter.page

    with step("1 the reporter makes a mistake"):
        reporter.go(path_in(LANGUAGE, "reports:form"))
        assert page.get_attribute("html", "lang") == LANGUAGE
        mistyped = blog.replace("http://", "http//")
        page.fill("#id_addresses", f"{gallery}\n{forum}\n{mistyped}")
        page.check("#id_seen_0")
        page.check("#id_found_on_0")
        with page.expect_navigation():
            page.click("form.report-form button[type=submit]")
        assert page.is_visible(".error-summary")
        assert Report.objects.count() == 0
        reporter.assert_clean("the form with an error")

    with step("2 the reporter corrects it and sends"):
        page.fill("#id_addresses", f"{gallery}\n{forum}\n{blog}")
        with page.expect_navigation():
            page.click("form.report-form button[type=submit]")
        reference, receipt = page.inner_text("#reference"), page.inner_text("#receipt")
        reporter.assert_clean("the confirmation")

    with step("3 enrichment checks the addresses"):
        records = {r.url: r for r in UrlRecord.objects.filter(reports__reference=reference)}
        assert set(records) == {gallery, forum, blog}
        for record in records.values():
            assert record.enrichment_state == "enriched", (record.url, record.enrichment_error)
            assert record.country_code == "GB"
        checked = {urlsplit(r.target).path for r in hosting_site.server.requests}
        assert checked >= {"/gallery/7", "/t/123", "/post/9"}, checked
        assert Report.objects.get(reference=reference).language == LANGUAGE

    analyst_window = windows(base, "analyst")
    with step("4 an analyst signs in and assesses Category A"):
        sign_in(analyst_window, analyst, "/triage/")
        page = analyst_window.page
        # The address is shown defanged, never as a link.
        assert page.locator("main a[href*='.localhost']").count() == 0
        with page.expect_navigation():
            page.click("form[data-shortcut-next] button[type=submit]")
        taken = int(urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[1])
        record = next(r for r in records.values() if r.pk == taken)
        assert page.inner_text(".addr-big") == record.url.replace("http://", "hxxp://").replace(".", "[.]")
        page.check("input[name=outcome][value=criminal_a]")
        page.select_option("select[name=age_group]", "11-13")
        page.select_option("select[name=sex]", "girls")
        page.select_option("select[name=site_type]", "image_host")
        page.select_option("select[name=commercial]", "no")
        with page.expect_navigation():
            page.click("[data-assessment-form] button[type=submit]")
        assert TriageState.objects.get(pk=record.pk).status == "awaiting_confirmation"
        analyst_window.assert_clean("the assessment")

    senior_window = windows(base, "senior")
    with step("5 a second senior analyst confirms"):
        sign_in(senior_window, senior, "/triage/confirm/")
        page = senior_window.page
        with page.expect_navigation():
            page.click(f"a[href='/triage/record/{record.pk}/confirm/']")
        with page.expect_navigation():
            page.click("button[value=confirm]")
        assert TriageState.objects.get(pk=record.pk).status == "confirmed_criminal"
        takedown = Takedown.objects.get(pk=record.pk)
        assert takedown.route == Takedown.Route.HOME and takedown.recipient_id == provider.pk
        senior_window.assert_clean("the confirmation")

    with step("6 the notice reaches the hosting provider's abuse desk"):
        takedown_tasks.send_due_notices()
        notices = mail_server.received(ABUSE_DESK)
        assert len(notices) == 1, mail_server.per_recipient()
        text = notices[0].get_body(("plain",)).get_content()
        assert record.url in text and all(url not in text for url in records if url != record.url)
        assert Takedown.objects.get(pk=record.pk).status == Takedown.Status.NOTICE_SENT

    with step("7 a member finds the address on the URL list"):
        member = Member.objects.create(name="Filtering Co", contact_email="api@filtering.example")
        _key, key = api_key_create(
            member=member, name="journey", scopes=["urllist:read"], expires_at=timezone.now() + timedelta(days=1)
        )
        sequence_list_changes()  # the beat's run that puts new changes on the list
        assert url_list(base, key) == [record.url]

    with step("8 the site takes it down and two re-checks find it gone"):
        hosting_site.online.discard(urlsplit(record.url).path)
        later = timezone.now()
        for _ in range(2):
            later += settings.TAKEDOWN_CHECK_INTERVAL + timedelta(minutes=1)
            assert tracking.records_due_queue(now=later) >= 1
        takedown = Takedown.objects.get(pk=record.pk)
        assert takedown.status == Takedown.Status.CONTENT_REMOVED, takedown.status
        sequence_list_changes()
        assert url_list(base, key) == []

    manager_window = windows(base, "manager")
    with step("9 the dashboard counts the removal"):
        call_command("dashboard_rebuild", verbosity=0)
        sign_in(manager_window, manager, "/dashboard/")
        speed = manager_window.page.inner_text("#speed")
        assert "Content removed: 1" in speed, speed
        manager_window.assert_clean("the dashboard")

    with step("10 the reporter's status page says action taken"):
        page = reporter.page
        reporter.go(path_in(LANGUAGE, "reports:status"))
        page.fill("#id_reference", reference)
        page.fill("#id_receipt", receipt)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        with translation.override(LANGUAGE):
            expected = str(PublicStatus.ACTION_TAKEN.label)
        assert page.inner_text(".status-value").strip() == expected
        reporter.assert_clean("the status page")

    for window in windows.opened:
        window.assert_clean("the end of the journey")
