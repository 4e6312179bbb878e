"""The admin offers a language beyond the site-wide ones only if it may be offered and is safe to show."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from portals.models import Portal
from testsupport.portals import portal
from testsupport.services import require

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Гаряча лінія UA",
    "slug": "ua",
    "host_names": "",
    "active": "on",
    "intro": "",
    "default_language": "uk",
    "extra_languages": "uk",
    "helpline_name": "",
    "helpline_phone": "",
    "helpline_url": "",
    "support_links": "",
    "home_country": "ua",
}


def test_a_manager_adds_a_ukrainian_portal(manager_client):
    response = manager_client.post("/admin/portals/portal/add/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Portal.objects.get(slug="ua")
    assert (added.extra_languages, added.default_language) == ("uk", "uk")


def test_the_admin_refuses_a_language_not_in_portal_languages_and_stores_nothing(manager_client):
    response = manager_client.post("/admin/portals/portal/add/", FORM | {"extra_languages": "uk\nru"})
    assert response.status_code == 200
    assert "“ru” is not in PORTAL_LANGUAGES" in response.content.decode()
    assert not Portal.objects.filter(slug="ua").exists()


def test_the_admin_refuses_a_language_whose_catalogue_lacks_the_safety_messages(manager_client, settings):
    # Romanian is known to Django, allowed here, and has no catalogue of ours: the warning would be English.
    settings.PORTAL_LANGUAGES = ["uk", "ro"]
    settings.LANGUAGES = settings.SITE_LANGUAGES + [("uk", "Ukrainian"), ("ro", "Romanian")]
    response = manager_client.post("/admin/portals/portal/add/", FORM | {"extra_languages": "ro"})
    assert response.status_code == 200
    assert "“ro” cannot be offered yet" in response.content.decode()
    assert not Portal.objects.filter(slug="ua").exists()


def test_a_default_language_the_portal_does_not_offer_is_refused():
    with pytest.raises(ValidationError) as refused:
        portal("ua", default_language="uk").full_clean()
    assert "default_language" in refused.value.message_dict


def test_a_language_listed_twice_is_refused():
    with pytest.raises(ValidationError) as refused:
        portal("ua", extra_languages="uk\nUK").full_clean()
    assert "listed twice" in str(refused.value.message_dict["extra_languages"])


def test_a_partial_catalogue_shows_the_english_for_a_missing_entry_and_refuses_to_be_offered(
    client, settings, tmp_path
):
    """gettext falls back to the English text, never to an empty string; clean() still refuses the language."""
    if shutil.which("msgfmt") is None:
        require("msgfmt (GNU gettext)", "it is not installed")
    folder = tmp_path / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: uk\\n"\n\n'
        'msgid "Send report"\nmsgstr "Надіслати повідомлення"\n\n'
        'msgid "Please do not download, screenshot or share the images"\nmsgstr ""\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True)
    portal("ua", extra_languages="uk")  # saved before the catalogue changed: still served
    settings.LOCALE_PATHS = [tmp_path]
    html = client.get("/p/ua/uk/").content.decode()
    assert "Надіслати повідомлення" in html
    assert "Please do not download, screenshot or share the images</h2>" in html
    with pytest.raises(ValidationError) as refused:
        Portal.objects.get(slug="ua").full_clean()
    assert "cannot be offered yet" in str(refused.value.message_dict["extra_languages"])
