"""Every public page offers 'Leave this site quickly', pointing at QUICK_EXIT_URL, in the page's language."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["reports:form", "reports:status"])
def test_each_public_page_has_the_quick_exit_link(client, settings, name):
    settings.QUICK_EXIT_URL = "https://news.example/"
    page = client.get(reverse(name)).content.decode()
    assert '<a class="btn quick-exit" href="https://news.example/" rel="noopener noreferrer"' in page
    assert "Leave this site quickly" in page
    assert 'aria-keyshortcuts="Escape"' in page


@pytest.mark.parametrize(("code", "text"), [("fr", "Quitter ce site rapidement"), ("ar", "غادر هذا الموقع بسرعة")])
def test_it_is_translated(client, code, text):
    with translation.override(code):
        path = reverse("reports:form")
    assert text in client.get(path).content.decode()


def test_nothing_is_loaded_from_the_neutral_site(client, settings):
    settings.QUICK_EXIT_URL = "https://news.example/"
    page = client.get(reverse("reports:form")).content.decode()
    assert page.count("news.example") == 1, "only the link itself: no prefetch, preconnect or image"


def test_staff_pages_do_not_carry_it(client):
    assert "quick-exit" not in client.get(reverse("staff:login")).content.decode()
