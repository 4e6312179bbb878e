"""In a real browser: an analyst takes the next record with the keyboard and assesses it criminal;
a second senior analyst confirms it. Nothing is fetched from anywhere but our own site."""

import os
from pathlib import Path

import pytest
from django.db import connections

from testsupport.personas import TEST_PASSWORD, make_staff, totp_now
from testsupport.services import require
from testsupport.triage import enriched_record, report_about
from triage.models import TriageState

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        require("Chromium", f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the
    # test's own ORM calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Inside Playwright's event loop the ORM used its own (context-local)
        # connection; close it, or PostgreSQL cannot drop the test database.
        connections.close_all()


class Session:
    """One person's browser window; records every request it makes."""

    def __init__(self, browser, base: str, name: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.name = name
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def sign_in(self, user) -> None:
        page = self.page
        page.goto(f"{self.base}/triage/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("main button[type=submit]")
        page.fill("input[name=otp_token]", totp_now(user.totp_device))
        page.click("main button[type=submit]")
        page.wait_for_url(f"{self.base}/triage/")

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"triage-{label}-{self.name}.png", full_page=True)


def test_take_assess_and_confirm_in_a_browser(browser, live_server):
    analyst = make_staff("analyst", "alice")
    senior2 = make_staff("senior", "senior2")
    record = enriched_record("http://img.example.com/gallery/7", online=True)
    report_about(record, description='<script>alert("x")</script> seen on a forum')
    sessions: list[Session] = []
    try:
        first = Session(browser, live_server.url, "analyst")
        sessions.append(first)
        first.sign_in(analyst)
        page = first.page
        assert page.inner_text(".addr") == "hxxp://img[.]example[.]com/gallery/7"
        page.keyboard.press("n")  # Next, from the keyboard
        page.wait_for_url(f"{live_server.url}/triage/record/{record.pk}/")
        assert "You hold this record" in page.inner_text("main")
        assert page.is_hidden(".criminal-details")
        page.keyboard.press("1")  # Category A
        assert page.is_checked("input[name=outcome][value=criminal_a]")
        assert page.is_visible(".criminal-details")
        page.select_option("select[name=age_group]", "11-13")
        page.select_option("select[name=sex]", "girls")
        page.select_option("select[name=site_type]", "forum")
        page.select_option("select[name=commercial]", "no")
        page.fill("textarea[name=notes]", "Seen in isolation")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("text=A second senior analyst will now confirm it")
        assert TriageState.objects.get(pk=record.pk).status == "awaiting_confirmation"

        second = Session(browser, live_server.url, "senior2")
        sessions.append(second)
        second.sign_in(senior2)
        page = second.page
        page.goto(f"{live_server.url}/triage/confirm/")
        page.click(f"a[href='/triage/record/{record.pk}/confirm/']")
        assert "Category A" in page.inner_text("main")
        assert "alice" in page.inner_text("main")
        page.click("button[value=confirm]")
        page.wait_for_selector("text=Confirmed: the record is confirmed criminal")

        state = TriageState.objects.select_related("assessment").get(pk=record.pk)
        assert state.status == "confirmed_criminal"
        assert state.assessment.analyst == analyst and state.assessment.confirmed_by == senior2
        assert state.assessment.age_group == "11-13" and state.assessment.notes == "Seen in isolation"
        page.goto(f"{live_server.url}/triage/record/{record.pk}/")
        assert "Confirmed criminal" in page.inner_text("h1")

        for session in sessions:
            foreign = [url for url in session.requests if not url.startswith(live_server.url)]
            assert foreign == [], f"{session.name}'s browser fetched {foreign}"
    except BaseException:
        for session in sessions:
            session.screenshot("failure")
        raise
    finally:
        for session in sessions:
            session.context.close()
