"""The CSRF cookie a reporter's browser is given ends with the browser session (issue 15, item 7).

Before: Django's default, a cookie kept for a year: a mark on a reporter's device, long after the
report, that they had visited the hotline.
"""

import pytest
from django.test import Client

from reports.models import Report
from testsupport.reports import post_form, report_data


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/fr/", "/status/"])
def test_the_public_pages_set_a_csrf_cookie_without_an_expiry(path):
    client = Client()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    cookie = client.cookies[next(name for name in client.cookies if "csrftoken" in name)]
    assert cookie["max-age"] == "" and cookie["expires"] == "", cookie.output()


@pytest.mark.django_db
def test_a_report_still_goes_through_with_the_session_cookie():
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):  # the second draw comes from publicsite.pages' kept page
        client.get("/")
        data = {**report_data(), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        assert post_form(client, "/", data).status_code == 200
    assert Report.objects.count() == 2
