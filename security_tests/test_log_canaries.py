"""After a run carrying canary secrets and reporter identities, no log line holds one.

Every record reaching the root logger or Django's loggers is formatted by the
site's own handlers' formatters (text and JSON), and each request is also
written as gunicorn's access log would write it with reportsite/gunicorn_conf.py.
"""

import io
import json
import logging
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from memberapi.models import Member
from memberapi.services import api_key_create
from reportsite.logging import JsonFormatter, ScrubRequestFilter
from testsupport.personas import FormClient, make_staff, totp_now
from testsupport.reports import confirmation_codes, send_report

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

PASSWORD = "canary password zq9-pw-7731 horse"  # noqa: S105 - a test canary
WRONG_PASSWORD = "canary wrong zq9-badpw-5512"  # noqa: S105
IP, FORWARDED = "198.51.100.231", "203.0.113.147"
AGENT, REFERER = "CanaryAgent/1.0 (zq9-agent)", "https://zq9-referer.example/seen-at"
IDENTITY = {"REMOTE_ADDR": IP, "HTTP_X_REAL_IP": FORWARDED, "HTTP_X_FORWARDED_FOR": FORWARDED,
            "HTTP_USER_AGENT": AGENT, "HTTP_REFERER": REFERER}  # fmt: skip


@pytest.fixture
def every_log_line():
    """All log output, through text and JSON formatters with the site's filter."""
    stream = io.StringIO()
    handlers = []
    for formatter in (logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s %(args)s"), JsonFormatter()):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handler.addFilter(ScrubRequestFilter())
        handlers.append(handler)
    loggers = [logging.getLogger(name) for name in ("", "django", "django.request", "django.server", "axes")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        for handler in handlers:
            lg.addHandler(handler)
    yield stream
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)
        for handler in handlers:
            lg.removeHandler(handler)


def access_log_line(request_meta: dict, response) -> str:
    """One line of gunicorn's access log, with the site's access_log_format."""
    from reportsite import gunicorn_conf

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", gunicorn_conf.access_log_format)
    stream = io.StringIO()
    glog = GunicornLogger(cfg)
    glog.access_log.handlers = [logging.StreamHandler(stream)]

    class Resp:
        status = f"{response.status_code} X"
        headers = list(response.items())
        sent = len(getattr(response, "content", b"") or b"")
        response_length = sent

    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/", "PATH_INFO": "/", "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1"} | request_meta  # fmt: skip

    class Req:
        # The request headers as gunicorn holds them: what a %({name}i)s atom could print.
        headers = [(k[5:].replace("_", "-"), v) for k, v in request_meta.items() if k.startswith("HTTP_")]

    glog.access(Resp(), Req(), environ, timedelta(milliseconds=5))
    return stream.getvalue()


def test_no_log_line_holds_a_password_code_session_key_or_reporter_identity(every_log_line, settings):
    settings.REPORT_RATE_LIMIT = 0
    user = make_staff("manager", "canary-manager", password=PASSWORD, is_staff=True)
    canaries = [PASSWORD, WRONG_PASSWORD, IP, FORWARDED, "zq9-agent", "zq9-referer"]
    access = []

    browser = FormClient()
    response = browser.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-3000:]
    wrong_code = f"{(int(totp_now(user.totp_device)) + 1) % 1000000:06d}"
    browser.post("/staff/verify/", {"otp_token": wrong_code}, **IDENTITY)
    # django-otp throttles a device for a second after a wrong code.
    time.sleep(1.2)
    code = totp_now(user.totp_device)
    response = browser.post("/staff/verify/", {"otp_token": code}, **IDENTITY)
    assert response.status_code == 302
    session_id = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    canaries += [code, session_id]
    for path in ("/triage/", "/dashboard/", "/staff/audit/", "/no-such-page/"):
        browser.get(path, **IDENTITY)
    browser.post("/staff/logout/", {}, **IDENTITY)

    reporter = FormClient()
    response = send_report(reporter, ["http://example.com/canary", "javascript:x"], **IDENTITY)
    access.append(access_log_line(IDENTITY, response))
    response = send_report(reporter, ["http://example.com/canary"], **IDENTITY)
    assert response.status_code == 200
    access.append(access_log_line(IDENTITY, response))
    reference, receipt = confirmation_codes(response)
    canaries.append(receipt)
    reporter.post("/status/", {"reference": reference, "receipt": receipt}, **IDENTITY)

    member = Member.objects.create(name="Canary member", contact_email="api@canary.example")
    _, api_key = api_key_create(member=member, name="canary", scopes=["urllist:read", "reports:write"],
                                expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    canaries.append(api_key.split("_")[-1])
    machine = FormClient(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    machine.get("/api/v1/urllist/", **IDENTITY)
    machine.post("/api/v1/reports/", json.dumps({"reference": "c-1", "addresses": ["x"]}),
                 content_type="application/json", **IDENTITY)  # fmt: skip
    FormClient(HTTP_AUTHORIZATION=f"Bearer {api_key}x").get("/api/v1/urllist/", **IDENTITY)

    logged = every_log_line.getvalue() + "".join(access)
    assert "Not Found: /no-such-page/" in logged  # the capture really sees the site's log records
    assert "POST /" in "".join(access)  # and the access log lines were written
    leaked = [canary for canary in canaries if canary in logged]
    assert not leaked, f"canaries in the logs: {leaked}"
