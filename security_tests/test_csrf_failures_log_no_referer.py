"""A refused CSRF check logs why, but not the Referer or Origin the client sent (issue 15, item 7).

Before: Django's reasons ("Origin checking failed - https://... does not match any trusted origins")
put the client's Origin and Referer text into the log line.
"""

import io
import logging

import pytest
from django.test import Client

from testsupport.reports import post_form, report_data

ORIGIN = "https://zq7-origin-canary.example"
REFERER = "https://zq7-referer-canary.example/the/page/seen"


@pytest.fixture
def csrf_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s %(args)s"))
    logger = logging.getLogger("django.security.csrf")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def _post(client, **meta):
    client.get("/")
    data = {**report_data(), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return post_form(client, "/", data, **meta)


@pytest.mark.django_db
def test_a_bad_origin_is_refused_and_not_logged(csrf_log):
    response = _post(Client(enforce_csrf_checks=True), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 403
    logged = csrf_log.getvalue()
    assert "Origin checking failed" in logged
    assert "zq7" not in logged


@pytest.mark.django_db
def test_a_bad_referer_is_refused_and_not_logged(csrf_log, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = _post(Client(enforce_csrf_checks=True), secure=True, HTTP_REFERER=REFERER)
    assert response.status_code == 403
    logged = csrf_log.getvalue()
    assert "Referer checking failed" in logged
    assert "zq7" not in logged
