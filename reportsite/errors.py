"""The server-error handler: a database that is down or restarting answers 503, not 500.

Django calls handler500 inside its `except` block, so the exception is at
hand. Losing the database (PostgreSQL restarting, a failover, too many
connections) is a passing state of the service, not a bug: the client gets
a plain 503 page with Retry-After, which says nothing about the cause, and
nothing was stored half-way (a report is written in one transaction). Every
other error keeps the 500 page.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Static templates only: rendering must not need the database that just failed.
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
