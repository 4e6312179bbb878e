from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class StaffSessionMiddleware:
    """Placeholder until the staff app lands: idle and absolute session limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
