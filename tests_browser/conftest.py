"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's live server.

Playwright never downloads a browser here: `/usr/bin/chromium` is installed by
`.ci/run` (apt). Without it these tests skip, and fail under CI=true.

Every page a test opens through `Watched` is watched for requests to any host
but the live server, console errors and Content-Security-Policy violations.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from testsupport.services import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        require("Chromium", f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the
    # tests' own ORM calls are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
        # Inside Playwright's event loop the ORM used its own (context-local)
        # connection; close it, or PostgreSQL cannot drop the test database.
        connections.close_all()


@pytest.fixture
def public_site(settings, live_server) -> str:
    """The live server's base URL, set up so a browser can send reports quickly and often."""
    settings.REPORT_MIN_FORM_SECONDS = 0
    settings.REPORT_RATE_LIMIT = 0
    settings.REPORT_GLOBAL_RATE_LIMIT = 0
    return live_server.url


# Each page reports CSP violations through an exposed binding (CDP, not a
# script on the page, so the policy that is being watched cannot block it).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}`);
});
"""


class Watched:
    """One person's browser window, watched for foreign requests, console errors and CSP violations."""

    def __init__(self, browser, base: str, name: str, **context_options) -> None:
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        self.context = browser.new_context(**context_options)
        self.base = base
        self.host = urlsplit(base).netloc
        self.name = name
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.context.expose_binding("__reportCspViolation", lambda _source, text: self.csp_violations.append(text))
        # Recorded above by the request listener, then refused: nothing leaves this machine.
        self.context.route(lambda url: urlsplit(url).netloc != self.host, lambda route: route.abort())
        self.context.add_init_script(_CSP_LISTENER)
        self.page = self.context.new_page()
        # Documents answered 4xx on purpose (a form sent back with its errors is a 400).
        self.form_errors: set[str] = set()
        self.page.on("request", self._on_request)
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_request(self, request) -> None:
        if urlsplit(request.url).netloc != self.host:
            self.foreign.append(request.url)

    def _on_response(self, response) -> None:
        if response.request.resource_type == "document" and response.status == 400:
            self.form_errors.add(response.url)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # Chrome logs every 4xx it loads, the page itself included; a form
        # answered with its errors is not a fault, anything else is.
        if message.text.startswith("Failed to load resource") and message.location.get("url") in self.form_errors:
            return
        self.console_errors.append(message.text)

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {url}" for url in self.foreign]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"CSP violation: {text}" for text in self.csp_violations]
        )

    def assert_clean(self, where: str) -> None:
        found = self.problems()
        assert not found, f"{self.name}'s browser, {where}:\n  " + "\n  ".join(found)

    def screenshot(self, label: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{_slug(label)}-{_slug(self.name)}.png"
        with contextlib.suppress(Exception):  # a closed or crashed page has nothing to show
            self.page.screenshot(path=path, full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def windows(browser, request) -> Iterator:
    """open(base, name, **context_options) → Watched; all closed at the end of the test."""
    opened: list[Watched] = []

    def open_window(base: str, name: str, **context_options) -> Watched:
        window = Watched(browser, base, name, **context_options)
        opened.append(window)
        return window

    open_window.opened = opened
    yield open_window
    for window in opened:
        with contextlib.suppress(Exception):
            window.close()


@pytest.fixture
def step(windows, request):
    """`with step("03 analyst assesses"):` saves a screenshot of every open window if the block fails.

    Screenshots go to test-artifacts/<test>-<step>-<window>.png (git-ignored),
    for CI to keep as artifacts.
    """

    @contextlib.contextmanager
    def run(label: str):
        try:
            yield
        except BaseException:
            for window in windows.opened:
                saved = window.screenshot(f"{request.node.name}-{label}")
                print(f"screenshot of {window.name}'s window: {saved}")
            raise

    return run
