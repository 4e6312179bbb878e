"""The browser checks are not vacuous: each one fails on a page broken the way it looks for.

The breakages are made in the page itself (through the DevTools protocol, as
axe is injected), never in the templates other tests are reading.
"""

from __future__ import annotations

import pytest

from tests_browser.checks import (
    assert_accessible,
    assert_field_edges_contrast,
    assert_focus_visible,
    assert_reflows,
)
from tests_browser.languages import path_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_each_check_fails_on_what_it_looks_for(public_site, windows):
    window = windows(public_site, "saboteur")
    page = window.page
    window.go(path_in("en", "reports:form"))

    page.evaluate("() => document.querySelector('label[for=id_addresses]').remove()")
    with pytest.raises(AssertionError, match=r"(?s)\] label: .*at #id_addresses"):
        assert_accessible(page, "the form without a label")

    # CSSOM changes are not inline styles, so the site's CSP allows them.
    page.evaluate(
        """() => document.styleSheets[document.styleSheets.length - 1].insertRule(
             "#id_contact_email:focus-visible { outline: none !important; box-shadow: none !important; }")"""
    )
    with pytest.raises(AssertionError, match=r"no visible focus indicator.*\n  input#id_contact_email"):
        assert_focus_visible(page, "the form without a focus style")

    page.evaluate(
        """() => document.styleSheets[document.styleSheets.length - 1].insertRule(
             "#id_description { border-color: #dee2e6 !important; }")"""
    )
    with pytest.raises(
        AssertionError, match=r"too faint.*\n  textarea#id_description: edge rgb\(222, 226, 230\) has 1\.3"
    ):
        assert_field_edges_contrast(page, "the form with Bootstrap's pale borders")

    page.evaluate(
        """() => document.styleSheets[document.styleSheets.length - 1].insertRule(
             "#id_addresses { min-width: 700px; }")"""
    )
    with pytest.raises(AssertionError, match=r"(?s)scrolls sideways at 320 px.*textarea#id_addresses"):
        assert_reflows(page, "the form with a wide field")

    window.assert_clean("the form, broken but not yet misbehaving")
    page.evaluate(
        """() => {
             const script = document.createElement("script");
             script.textContent = "window.inlineRan = true";
             document.body.append(script);
             console.error("something broke");
           }"""
    )
    assert page.evaluate("() => window.inlineRan") is None, "the CSP let an inline script run"
    page.evaluate("() => { window.location.href = 'http://elsewhere.invalid/tracker.gif'; }")
    page.wait_for_timeout(300)
    problems = "\n".join(window.problems())
    assert "CSP violation: script-src-elem blocked inline" in problems
    assert "console error: something broke" in problems
    assert "request to another host: http://elsewhere.invalid/tracker.gif" in problems
