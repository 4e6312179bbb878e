"""The public pages in every language: /fr/, /de/, /es/, /pl/, /ar/; English at /."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from reports.models import Report
from testsupport.reports import confirmation_codes, post_form, report_data

# A sentence of the form page in each language, as a native speaker wrote it.
FORM_HEADINGS = {
    "en": ("/", "Report child sexual abuse material online"),
    "fr": ("/fr/", "Signaler des contenus d’abus sexuels sur des enfants en ligne"),
    "de": ("/de/", "Darstellungen sexuellen Kindesmissbrauchs im Internet melden"),
    "es": ("/es/", "Denunciar material de abuso sexual infantil en internet"),
    "pl": ("/pl/", "Zgłoś materiały przedstawiające wykorzystywanie seksualne dzieci w internecie"),
    "ar": ("/ar/", "الإبلاغ عن مواد الاعتداء الجنسي على الأطفال على الإنترنت"),
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "pl": "Polski", "ar": "العربيّة"}


@pytest.fixture(autouse=True)
def _english_afterwards():
    # A request leaves its language active in this thread; later tests expect English.
    yield
    translation.deactivate()


def html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group(0)


def language_links(body: str) -> dict[str, str]:
    """hreflang → href of the language selector."""
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S).group(0)
    return {code: href for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)}


def send_report_at(client, path: str, addresses="http://example.com/a", **fields):
    return post_form(client, path, report_data(addresses, **fields))


@pytest.mark.django_db
@pytest.mark.parametrize("code", FORM_HEADINGS)
def test_the_form_is_translated_into_each_language(client, code):
    path, heading = FORM_HEADINGS[code]
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert heading in body
    assert f'lang="{code}"' in html_tag(body)
    assert response["Content-Language"] == code
    # The form posts back to the page of its own language.
    assert f'action="{path}"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["fr", "de", "es", "pl", "ar"])
def test_no_english_is_left_on_a_translated_form(client, code):
    body = client.get(f"/{code}/").content.decode()
    for english in ["Web addresses", "What did you see?", "Send report", "What happens next", "Not sure", "Skip to"]:
        assert english not in body


@pytest.mark.django_db
def test_arabic_is_right_to_left_with_bootstraps_rtl_stylesheet(client):
    body = client.get("/ar/").content.decode()
    assert html_tag(body) == '<html lang="ar" dir="rtl">'
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in body
    assert "vendor/bootstrap/bootstrap.min.css" not in body


@pytest.mark.django_db
def test_left_to_right_languages_keep_the_ordinary_stylesheet(client):
    body = client.get("/pl/").content.decode()
    assert html_tag(body) == '<html lang="pl" dir="ltr">'
    assert "vendor/bootstrap/bootstrap.min.css" in body and "rtl" not in body.split("</head>")[0]


@pytest.mark.django_db
def test_addresses_stay_left_to_right_inside_arabic_pages(client):
    body = client.get("/ar/").content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"addresses\"[^>]*>", body).group(0)
    assert 'dir="ltr"' in textarea
    assert re.search(r'<input[^>]*name="contact_email"[^>]*dir="ltr"', body)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/fr/", "/status/", "/ar/status/", "/de/no-such-page/"])
def test_every_public_page_links_to_itself_in_every_language(client, path):
    body = client.get(path).content.decode()
    links = language_links(body)
    assert set(links) == set(LANGUAGE_NAMES)
    if "status" in path:
        assert links == {"en": "/status/", **{c: f"/{c}/status/" for c in LANGUAGE_NAMES if c != "en"}}
    else:
        assert links == {"en": "/", **{c: f"/{c}/" for c in LANGUAGE_NAMES if c != "en"}}
    # Each language is named in itself, and marked as that language for screen readers.
    for code, name in LANGUAGE_NAMES.items():
        assert f'hreflang="{code}" lang="{code}"' in body and f">{name}</a>" in body


@pytest.mark.django_db
def test_the_selector_marks_the_current_language_and_needs_no_javascript(client):
    body = client.get("/es/").content.decode()
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S).group(0)
    assert re.search(r'hreflang="es"[^>]*aria-current="true"', nav)
    assert nav.count("aria-current") == 1
    assert "<script" not in nav and "onclick" not in nav and "<form" not in nav


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["fr", "de", "es", "pl", "ar"])
def test_following_a_selector_link_gives_the_page_in_that_language(client, code):
    href = language_links(client.get("/status/").content.decode())[code]
    body = client.get(href, HTTP_SEC_FETCH_SITE="same-origin").content.decode()
    assert f'lang="{code}"' in html_tag(body)


@pytest.mark.django_db
def test_a_report_made_in_polish_stores_pl(client):
    response = send_report_at(client, "/pl/")
    assert response.status_code == 200
    assert "Dziękujemy, zgłoszenie zostało wysłane" in response.content.decode()
    assert Report.objects.get().language == "pl"


@pytest.mark.django_db
def test_a_report_made_at_the_root_stores_english(client):
    send_report_at(client, "/")
    assert Report.objects.get().language == "en"


@pytest.mark.django_db
def test_address_errors_are_translated_line_by_line(client):
    response = send_report_at(client, "/fr/", ["http://example.com/a", "file:///etc/passwd", "data:image/png,AAAA"])
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ligne 2" in body and "Ligne 3" in body and "Ligne 1" not in body
    assert "Les adresses «\u00a0file:\u00a0» désignent quelque chose sur votre propre appareil" in body
    assert "Ceci est une adresse «\u00a0data:\u00a0»" in body
    assert "Veuillez vérifier votre signalement" in body


@pytest.mark.django_db
def test_an_address_inside_an_arabic_error_is_isolated_left_to_right(client):
    response = send_report_at(client, "/ar/", ["ftp://example.com/a"])
    body = response.content.decode()
    assert "السطر 1 (\u2066ftp://example.com/a\u2069)" in body
    assert "لا يمكن الإبلاغ إلا عن عناوين الويب التي تبدأ بـ" in body


@pytest.mark.django_db
def test_the_too_many_addresses_error_uses_polish_plural_forms(client, settings):
    settings.REPORT_MAX_ADDRESSES = 2
    body = send_report_at(client, "/pl/", [f"http://example.com/{i}" for i in range(5)]).content.decode()
    assert "Wpisano 5 adresów" in body
    body = send_report_at(client, "/pl/", [f"http://example.com/{i}" for i in range(3)]).content.decode()
    assert "Wpisano 3 adresy" in body


@pytest.mark.django_db
def test_missing_choices_are_explained_in_german(client):
    body = send_report_at(client, "/de/", seen="", found_on="").content.decode()
    assert "Wählen Sie aus, was Sie gesehen haben." in body
    assert "„Woanders“" in body


@pytest.mark.django_db
def test_the_confirmation_and_status_pages_are_translated(client):
    response = send_report_at(client, "/de/")
    assert "Vielen Dank, Ihre Meldung wurde gesendet" in response.content.decode()
    reference, receipt = confirmation_codes(response)
    assert "Stand einer Meldung abfragen" in client.get("/de/status/").content.decode()
    found = post_form(client, "/de/status/", {"reference": reference, "receipt": receipt}).content.decode()
    assert "Stand Ihrer Meldung" in found
    assert '<p class="status-value mb-1">Eingegangen</p>' in found
    missing = post_form(client, "/de/status/", {"reference": reference, "receipt": "wrong"}).content.decode()
    assert "Wir konnten keine Meldung mit dieser Referenznummer" in missing


@pytest.mark.django_db
def test_the_not_found_page_speaks_the_language_of_its_address(client):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_upload_is_explained_in_the_language_of_the_page(client):
    response = client.post("/pl/", {"addresses": "http://example.com/a"})  # multipart, as the test client sends
    assert response.status_code == 415
    body = response.content.decode()
    assert "Ta strona nie przyjmuje plików." in body
    assert html_tag(body) == '<html lang="pl" dir="ltr">'


@pytest.mark.django_db
def test_a_too_large_request_is_explained_in_arabic(client, settings):
    settings.MAX_REQUEST_BYTES = 100
    response = post_form(client, "/ar/", report_data("http://example.com/" + "a" * 200))
    assert response.status_code == 413
    body = response.content.decode()
    assert "الطلب كبير جدًا" in body and 'dir="rtl"' in html_tag(body)


@pytest.mark.django_db
def test_the_rate_limit_message_is_translated(client, settings):
    settings.REPORT_RATE_LIMIT = 1
    send_report_at(client, "/fr/")
    response = send_report_at(client, "/fr/", "http://example.com/b")
    assert response.status_code == 429
    assert "Veuillez réessayer plus tard" in response.content.decode()
