"""'Leave this site quickly' on every public page: nothing fetched from the neutral site until used;
then the page is replaced (Back does not return to it), by the button or the Esc key, and without
JavaScript the button is still a plain link there."""

from __future__ import annotations

import pytest

from tests_browser.languages import path_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

EXIT = "http://weather.example/today"


@pytest.fixture
def site(public_site, settings):
    settings.QUICK_EXIT_URL = EXIT
    return public_site


def neutral_site(window) -> list[str]:
    """Answer the neutral site's page (every other host stays refused); the URLs asked for."""
    asked: list[str] = []

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Sunny")

    window.page.route("http://weather.example/**", answer)
    return asked


def test_nothing_is_fetched_from_the_neutral_site_until_the_button_is_used(site, windows):
    window = windows(site, "reporter")
    asked = neutral_site(window)
    window.go(path_in("fr", "reports:form"))
    button = window.page.locator("a.quick-exit")
    assert button.is_visible() and "Quitter ce site rapidement" in button.inner_text()
    window.page.wait_for_timeout(300)
    assert asked == [] and window.foreign == []


def test_the_button_replaces_the_page_so_back_does_not_return(site, windows):
    window = windows(site, "reporter")
    asked = neutral_site(window)
    page = window.page
    window.go(path_in("en", "reports:status"))
    window.go(path_in("en", "reports:form"))
    before = page.evaluate("() => history.length")
    with page.expect_navigation():
        page.click("a.quick-exit")
    assert page.url == EXIT and asked == [EXIT]
    assert page.evaluate("() => history.length") == before, "the form's entry was replaced, not added to"
    page.go_back()
    assert "/status/" in page.url, "Back skips the form: it goes to the page before it"


def test_the_escape_key_leaves_from_anywhere_on_the_page(site, windows):
    window = windows(site, "reporter")
    asked = neutral_site(window)
    page = window.page
    window.go(path_in("en", "reports:form"))
    page.fill("#id_addresses", "http://example.com/a")
    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url == EXIT and asked == [EXIT]


def test_without_javascript_the_button_is_a_plain_link_there(site, windows):
    window = windows(site, "reporter", java_script_enabled=False)
    asked = neutral_site(window)
    page = window.page
    window.go(path_in("en", "reports:form"))
    assert page.get_attribute("a.quick-exit", "href") == EXIT
    with page.expect_navigation():
        page.click("a.quick-exit")
    assert page.url == EXIT and asked == [EXIT]
