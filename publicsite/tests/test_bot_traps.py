import time

import pytest

from publicsite import formguard
from reports.models import Report, UrlRecord
from testsupport.reports import confirmation_codes, is_confirmation, post_form, report_data, send_report


@pytest.mark.django_db
def test_a_filled_honeypot_sees_a_confirmation_but_nothing_is_stored(client):
    response = send_report(client, website="http://spam.example/")
    assert response.status_code == 200
    assert is_confirmation(response)
    assert confirmation_codes(response)[0].startswith("R-")
    assert Report.objects.count() == 0 and UrlRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_form_sent_faster_than_a_person_could_is_dropped_quietly(client, settings):
    settings.REPORT_MIN_FORM_SECONDS = 3
    response = post_form(client, "/", report_data(token=formguard.token_issue(now=time.time())))
    assert response.status_code == 200
    assert Report.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "forged:token", "expired"])
def test_a_missing_forged_or_expired_token_gives_the_form_back_as_typed(client, token):
    if token == "expired":
        import time_machine

        with time_machine.travel(time.time() - formguard.TOKEN_MAX_AGE - 60, tick=False):
            token = formguard.token_issue()
    response = post_form(client, "/", report_data("http://example.com/kept", description="typed", token=token))
    body = response.content.decode()
    assert response.templates[0].name == "reports/form.html"
    assert "Please press Send again" in body
    assert "http://example.com/kept" in body and "typed" in body
    assert Report.objects.count() == 0
    # The page carries a fresh token with which the same report goes through.
    fresh = response.context["form"].data["token"]
    assert formguard.token_check(token=fresh, honeypot="", now=time.time() + 60) == formguard.PERSON


@pytest.mark.django_db
def test_the_same_form_sent_twice_makes_one_report(client, settings):
    settings.REPORT_RATE_LIMIT = 0
    data = report_data()
    first = post_form(client, "/", data)
    again = post_form(client, "/", data)
    reference = confirmation_codes(first)[0]
    assert reference.startswith("R-")
    assert again.templates[0].name == "reports/already_sent.html"
    assert reference in again.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    body = client.get("/").content.decode()
    assert 'class="hp-field" aria-hidden="true"' in body
    assert 'tabindex="-1"' in body
