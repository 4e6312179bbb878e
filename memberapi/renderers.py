"""Renderers for content negotiation (Accept or ?format=) and the schema.

The list views stream their own bytes (memberapi.exports); these classes
decide which format was asked for and render the few non-list answers
(an empty 304 has no body; errors are always JSON, see views).
"""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer, JSONRenderer


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else str(data).encode("utf-8")


class TextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "text"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else str(data).encode("utf-8")


LIST_RENDERERS = [JSONRenderer, CsvRenderer, TextRenderer]
