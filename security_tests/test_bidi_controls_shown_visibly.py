"""Direction overrides and other invisible controls in what reporters (or servers, or RDAP) wrote are
shown as visible marks on every staff page (issue 15, item 5).

An address like `http://example.com/\u202egpj.exe` displays as ".../exe.jpg": the analyst would read
something other than what is stored. Each such character is shown as `[U+202E]`.
"""

import pytest
from django.urls import reverse

from reportsite.textsafety import reveal_controls
from staff.audit import audit_record
from takedown.models import HostingProvider
from testsupport.triage import enriched_record, report_about
from triage import defang

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u2028\u2029\x00\x1b\x85"


def test_every_direction_control_is_revealed_by_the_shared_function():
    shown = reveal_controls(f"a{CONTROLS}b")
    assert not set(CONTROLS) & set(shown)
    assert "[U+202E]" in shown and "[U+2066]" in shown and "[U+200F]" in shown and "[U+001B]" in shown
    assert reveal_controls(shown) == shown
    assert reveal_controls("line one\nline two\ttab") == "line one\nline two\ttab"


@pytest.mark.parametrize("function", [defang.defang, defang.defang_text, defang.defang_host])
def test_the_defang_functions_reveal_them(function):
    shown = function("http://example.com/\u202egpj.exe")
    assert "\u202e" not in shown
    assert "[U+202E]" in shown


@pytest.fixture
def tricked(db, analyst):
    record = enriched_record("http://example.com/a")
    report = report_about(record, description="look at this \u202egpj.exe \u2067rtl\u2069 text")
    link = report.addresses.get()
    link.as_typed = "http://example.com/a\u202egpj.exe"
    link.save()
    return record


def _assert_revealed(html: str) -> None:
    assert not set(CONTROLS) & set(html), [hex(ord(c)) for c in set(CONTROLS) & set(html)]
    assert "[U+202E]" in html


def test_the_record_page_shows_them(analyst_client, tricked):
    html = analyst_client.get(reverse("triage:record", args=[tricked.pk])).content.decode()
    _assert_revealed(html)
    assert "[U+2067]rtl[U+2069]" in html


@pytest.mark.django_db
def test_the_admin_and_the_audit_trail_show_them(manager, manager_client):
    HostingProvider.objects.create(name="Hosting \u202eLtd", email="abuse@example.net")
    audit_record(actor=manager, action="login", summary="Note \u202egpj.exe")
    html = manager_client.get(reverse("admin:takedown_hostingprovider_changelist")).content.decode()
    assert "Hosting [U+202E]Ltd" in html
    _assert_revealed(html)
    html = manager_client.get(reverse("staff:audit")).content.decode()
    assert "Note [U+202E]gpj" in html
    _assert_revealed(html)
