"""The public pages meet WCAG 2.2 AA in every language the site offers.

One walk per language, with the keyboard alone: the form, the form sent back
with an invalid address, the confirmation, the status page and a looked-up
status. On each, axe-core finds no violation of the WCAG 2.0-2.2 A/AA rules,
every tab stop shows a visible focus indicator, and nothing scrolls sideways
on a 320 px wide screen (WCAG 1.4.10) or at 200% zoom (1.4.4).

200% zoom is emulated the way a browser does it: zooming a 1280 px wide
window to 200% lays the page out in a 640 CSS px viewport (with two device
pixels per CSS pixel, which changes sharpness, not layout), so media queries
and rem sizes respond exactly as they do for the reader. CSS `zoom` on
<body> would scale the layout without shrinking the viewport it is laid out
for, which is not what a reader gets.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from portals.models import Portal
from tests_browser.checks import (
    DESKTOP,
    assert_accessible,
    assert_field_edges_contrast,
    assert_focus_visible,
    assert_reflows,
)
from tests_browser.languages import is_rtl, path_in, portal_languages, site_languages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element with this id has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


# Every language; once through a portal (/p/<slug>/), whose introduction and helpline card add content;
# and each language only portals offer (PORTAL_LANGUAGES) once, through a portal that offers it.
CASES = [pytest.param(code, False, id=code) for code in site_languages()]
CASES.append(pytest.param(settings.LANGUAGE_CODE, True, id=f"{settings.LANGUAGE_CODE}-portal"))
CASES += [pytest.param(code, True, id=f"{code}-portal") for code in portal_languages()]


def portal_with_everything(language: str) -> str:
    """A portal with an introduction, a helpline and support links, offering `language`; its path prefix."""
    Portal.objects.create(
        slug="demo",
        name="Demo Hotline",
        intro="Reports from Demoland.\n\nWe answer within a day.",
        helpline_name="Demo Childline",
        helpline_phone="+44 20 7946 0000",
        helpline_url="https://helpline.example/",
        support_links="Support for people who saw abuse | https://support.example/",
        extra_languages=language if language in portal_languages() else "",
    )
    return "/p/demo"


@pytest.mark.parametrize(("language", "through_portal"), CASES)
def test_the_public_pages_are_accessible_and_a_report_needs_only_the_keyboard(
    language, through_portal, public_site, windows, step
):
    prefix = portal_with_everything(language) if through_portal else ""
    window = windows(public_site, language, viewport=DESKTOP)
    page, keyboard = window.page, window.page.keyboard

    def check(label: str) -> None:
        where = f"{label} ({language})"
        with step(label):
            assert_accessible(page, where)
            assert_field_edges_contrast(page, where)
            assert_focus_visible(page, where)
            assert_reflows(page, where)
            window.assert_clean(where)

    with step("the form"):
        window.go(prefix + path_in(language, "reports:form"))
        assert page.get_attribute("html", "lang") == language
        assert page.get_attribute("html", "dir") == ("rtl" if is_rtl(language) else "ltr")
    check("the form")

    with step("filling in the form"):
        tab_to(page, "id_addresses")
        keyboard.type("javascript:alert(1)")
        keyboard.press("Enter")  # a new line in the text area, not a submission
        keyboard.type("http//example.com/gallery/" + "long-unbroken-name-" * 4)  # must wrap at 320 px
        tab_to(page, "id_seen_0")
        keyboard.press("Space")
        tab_to(page, "id_found_on_0")
        keyboard.press("Space")
        tab_to(page, "id_description")
        keyboard.type("Typed without a mouse")
        keyboard.press("Tab")
        assert focused_id(page) == "id_contact_email"
        keyboard.press("Tab")
        # The honeypot is out of the tab order: the next stop is the Send button.
        assert page.evaluate("() => document.activeElement.type") == "submit"
        with page.expect_navigation():
            keyboard.press("Enter")
        assert page.is_visible(".error-summary")
        assert focused_id(page) == "id_addresses", "the cursor should wait in the field to correct"
    check("the form with errors")

    with step("correcting the addresses"):
        tab_to(page, "id_addresses")
        keyboard.press("ControlOrMeta+A")
        keyboard.type("http://example.com/gallery/1")
        keyboard.press("Enter")
        keyboard.type("example.org/b")
        assert page.is_checked("#id_seen_0") and page.is_checked("#id_found_on_0"), "the answers were kept"
        tab_to(page, "id_contact_email")
        keyboard.press("Tab")
        with page.expect_navigation():
            keyboard.press("Enter")
        reference, receipt = page.inner_text("#reference"), page.inner_text("#receipt")
    check("the confirmation")

    with step("the status page"):
        window.go(prefix + path_in(language, "reports:status"))
    check("the status page")

    with step("looking up the report"):
        tab_to(page, "id_reference")
        keyboard.type(reference)
        tab_to(page, "id_receipt")
        keyboard.type(receipt)
        with page.expect_navigation():
            keyboard.press("Enter")
        assert page.is_visible(".status-value")
        if through_portal:
            assert page.is_visible(".portal-help") and urlsplit(page.url).path.startswith(prefix + "/")
    check("a report's status")
