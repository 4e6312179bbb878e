"""Content negotiation where an unknown ?format= is 406, like an unknown Accept, not DRF's 404."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class FormatNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            formats = ", ".join(r.format for r in renderers)
            raise NotAcceptable(f"Unknown format; use one of: {formats}.") from None
