import time

import pytest

from reports import formguard
from reports.models import Report, UrlRecord
from reports.tests.helpers import post_form, report_data, send_report


@pytest.mark.django_db
def test_a_filled_honeypot_sees_a_confirmation_but_nothing_is_stored(client):
    response = send_report(client, website="http://spam.example/")
    assert response.status_code == 200
    assert response.templates[0].name == "reports/confirmation.html"
    assert response.context["reference"].startswith("R-")
    assert Report.objects.count() == 0 and UrlRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_form_sent_faster_than_a_person_could_is_dropped_quietly(client, settings):
    settings.REPORT_MIN_FORM_SECONDS = 3
    response = post_form(client, "/", report_data(token=formguard.token_issue(now=time.time())))
    assert response.status_code == 200
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_forged_or_missing_token_is_dropped_quietly(client):
    for token in ("", "forged:token"):
        assert post_form(client, "/", report_data(token=token)).status_code == 200
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_the_same_form_sent_twice_makes_one_report(client, settings):
    settings.REPORT_RATE_LIMIT = 0
    data = report_data()
    first = post_form(client, "/", data)
    again = post_form(client, "/", data)
    assert first.context["reference"].startswith("R-")
    assert again.templates[0].name == "reports/already_sent.html"
    assert first.context["reference"] in again.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    body = client.get("/").content.decode()
    assert 'class="hp-field" aria-hidden="true"' in body
    assert 'tabindex="-1"' in body
