"""Small helpers shared by the enrichment tests."""

from __future__ import annotations

from urllib.parse import urlsplit

from reports.addresses import canonicalize, url_sha256
from reports.models import UrlRecord


def make_record(url: str, **fields) -> UrlRecord:
    """An address record as the report form would have made it (canonical URL, its hash, its host)."""
    canonical = canonicalize(url)
    return UrlRecord.objects.create(
        url=canonical, url_sha256=url_sha256(canonical), host=urlsplit(canonical).hostname or "", **fields
    )


def jpeg_reply_headers(server: str = "loopback") -> list[tuple[str, str]]:
    return [("Content-Type", "image/jpeg"), ("Server", server)]
