"""Every error is JSON `{"detail": "..."}` (plus `errors` for invalid input), whatever format was asked for."""

from __future__ import annotations

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 page, logged without the request
    if not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = {"detail": "The request is not valid.", "errors": response.data}
    return response
