"""What a manager may type: web links only, host names once, exactly one default portal."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portals.models import Portal
from testsupport.portals import default_portal, portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.example.nl", ".example.ua"]


def errors_of(candidate: Portal) -> dict:
    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()
    return refused.value.message_dict


def valid(**fields) -> Portal:
    fields = {"slug": "nl", "name": "Meldpunt"} | fields
    return Portal(**fields)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://files.example/", "vbscript:x", "//help.example/"],
)
def test_unsafe_link_schemes_are_refused(link):
    assert "support_links" in errors_of(valid(support_links=f"Help | {link}"))
    assert "helpline_url" in errors_of(valid(helpline_url=link))


def test_web_links_are_accepted():
    valid(
        support_links="Help | https://help.example/\nMore | http://more.example/a?b=c",
        helpline_url="https://x.example/",
    ).full_clean()


def test_a_support_link_needs_a_label_and_a_bar():
    assert "support_links" in errors_of(valid(support_links="https://help.example/"))
    assert "support_links" in errors_of(valid(support_links=" | https://help.example/"))


def test_host_names_are_kept_lower_case_one_per_line():
    candidate = valid(host_names="  Report.Example.NL \n\nportal.example.ua:443\n")
    candidate.full_clean()
    assert candidate.host_names == "report.example.nl\nportal.example.ua"


def test_a_host_name_must_be_allowed_by_the_site_and_belong_to_one_portal():
    portal("ua", host_names="portal.example.ua")
    assert "ALLOWED_HOSTS" in str(errors_of(valid(host_names="report.example.de")))
    assert "already belongs to" in str(errors_of(valid(host_names="portal.example.ua")))
    assert "not a host name" in str(errors_of(valid(host_names="report.example.nl/path")))


def test_the_default_language_must_be_one_of_the_sites(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    valid(default_language="fr").full_clean()
    assert "default_language" in errors_of(valid(default_language="xx"))


def test_the_home_country_is_two_letters():
    assert "home_country" in errors_of(valid(home_country="NLD"))
    candidate = valid(home_country="nl")
    candidate.full_clean()
    assert candidate.home_country == "NL"


def test_the_database_refuses_a_second_default_portal():
    with pytest.raises(IntegrityError), transaction.atomic():
        Portal.objects.bulk_create([Portal(slug="nl", name="NL", is_default=True)])


def test_the_database_refuses_an_inactive_default():
    with pytest.raises(IntegrityError), transaction.atomic():
        Portal.objects.filter(is_default=True).update(active=False)


def test_making_another_portal_the_default_moves_it():
    old = default_portal()
    new = portal("nl", is_default=True)
    assert list(Portal.objects.filter(is_default=True)) == [new]
    old.refresh_from_db()
    assert not old.is_default


def test_the_default_cannot_be_switched_off_nor_deactivated():
    current = default_portal()
    current.is_default = False
    assert "is_default" in errors_of(current)
    current.is_default, current.active = True, False
    assert "active" in errors_of(current)
