"""The translation catalogues (locale/*/LC_MESSAGES/django.po) are complete and safe to compile."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from portals.languages import SAFETY_MESSAGES
from testsupport.services import require

ROOT = Path(settings.BASE_DIR)
# Site-wide languages are complete; a language only portals offer (PORTAL_LANGUAGES) may be partial,
# but never without the safety messages (portals.languages.SAFETY_MESSAGES).
COMPLETE = [code for code, _name in settings.SITE_LANGUAGES if code != settings.LANGUAGE_CODE]
TRANSLATED = COMPLETE + list(settings.PORTAL_LANGUAGES)
PLURAL_FORMS = {"fr": 2, "de": 2, "es": 2, "pl": 3, "ar": 6, "uk": 3}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
# Where the public pages' texts live (staff pages are English only).
PUBLIC_TEMPLATES = ["base.html", "400.html", "403.html", "404.html", "500.html", "refused.html", "reports", "portals"]
TEMPLATE_STRING = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1\s*(?:as\s+\w+\s*)?%\}""")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_offered_language_has_a_catalogue():
    assert set(TRANSLATED) <= set(PLURAL_FORMS)
    for code in TRANSLATED:
        assert (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("code", COMPLETE)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    assert len(po) > 100
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == code
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("code", settings.PORTAL_LANGUAGES)
def test_a_portal_language_translates_the_safety_messages_and_none_is_fuzzy(code):
    po = catalogue(code)
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == code
    translated = {entry.msgid for entry in po.translated_entries()}
    assert sorted(set(SAFETY_MESSAGES) - translated) == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders(code):
    # An entry a partial catalogue leaves empty shows the English (test_i18n_portal_languages).
    for entry in catalogue(code).translated_entries():
        if entry.msgid_plural:
            expected = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            found: set[str] = set()
            for form in entry.msgstr_plural.values():
                # A form may leave out the number ("one address" in Arabic), never add a name.
                assert set(placeholders(form)) <= expected, (entry.msgid, form)
                found |= set(placeholders(form))
            assert found == expected, entry.msgid
        else:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), (entry.msgid, entry.msgstr)
        # HTML in a message (a <strong> around the reference) comes through unchanged.
        assert re.findall(r"<[^>]+>", entry.msgstr) == re.findall(r"<[^>]+>", entry.msgid), entry.msgid


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_messages_have_every_form_of_the_language(code):
    po = catalogue(code)
    declared = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    assert declared == PLURAL_FORMS[code]
    plurals = [entry for entry in po.translated_entries() if entry.msgid_plural]
    assert plurals or code not in COMPLETE
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == list(range(declared))
        assert all(form.strip() for form in entry.msgstr_plural.values())


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_are_not_copies_of_the_english(code):
    same = [e.msgid for e in catalogue(code) if e.msgstr == e.msgid and len(e.msgid) > 12]
    assert same == []


def test_every_public_template_text_is_in_every_catalogue():
    """A new {% translate %} on a public page fails here until `make translations` and a translator have run."""
    texts = set()
    for name in PUBLIC_TEMPLATES:
        path = ROOT / "templates" / name
        for file in [path] if path.is_file() else sorted(path.rglob("*.html")):
            texts |= {m.group(2) for m in TEMPLATE_STRING.finditer(file.read_text())}
    assert "Send report" in texts
    for code in COMPLETE:
        known = {entry.msgid for entry in catalogue(code) if entry.translated()}
        assert sorted(texts - known) == [], code


@pytest.mark.parametrize("code", TRANSLATED)
def test_msgfmt_accepts_the_catalogue_and_the_compiled_one_is_up_to_date(code, tmp_path):
    """`make test` builds the .mo files first (`make messages`); a stale one would show old translations."""
    if shutil.which("msgfmt") is None:
        require("msgfmt (GNU gettext)", "it is not installed")
    source = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", str(fresh), str(source)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    compiled = source.with_suffix(".mo")
    assert compiled.is_file(), "run `make messages`"
    assert compiled.read_bytes() == fresh.read_bytes(), "run `make messages`"
