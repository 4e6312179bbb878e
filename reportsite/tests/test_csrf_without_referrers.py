"""Our no-referrer policy makes browsers send `Origin: null`; the CSRF token must still decide."""

import pytest
from django.test import Client

from reports.models import Report
from testsupport.reports import csrf_token_of, report_data


def token_and_client(secure=False):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/", secure=secure)
    return client, csrf_token_of(response)


def post(client, token, secure=False, **meta):
    from urllib.parse import urlencode

    data = report_data() | ({"csrfmiddlewaretoken": token} if token else {})
    return client.post("/", urlencode(data), content_type="application/x-www-form-urlencoded", secure=secure, **meta)


@pytest.mark.django_db
@pytest.mark.parametrize("secure", [False, True])
def test_a_form_with_a_valid_token_and_origin_null_is_accepted(secure, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client, token = token_and_client(secure)
    assert post(client, str(token), secure=secure, HTTP_ORIGIN="null").status_code == 200
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_form_without_a_token_is_refused_even_with_origin_null():
    client, _ = token_and_client()
    assert post(client, None, HTTP_ORIGIN="null").status_code == 403
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_form_from_another_site_is_refused_even_with_a_token():
    client, token = token_and_client()
    assert post(client, str(token), HTTP_ORIGIN="https://evil.example").status_code == 403
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_secure_form_with_a_foreign_referer_is_refused():
    client, token = token_and_client(secure=True)
    assert post(client, str(token), secure=True, HTTP_REFERER="https://evil.example/page").status_code == 403
