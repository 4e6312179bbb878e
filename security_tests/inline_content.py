"""What "resembles image data" means for the fuzz tests: the address validator's own detectors."""

from __future__ import annotations

from reports import addresses
from reports.models import Report, ReportedAddress, UrlRecord


def holds_inline_content(text: str) -> bool:
    """A data: URI, a ;base64, marker, SVG markup, or a base64/hex run that decodes to an image or video.

    A long binary-looking run alone is not counted here: that rule is the
    validator's caution, not proof of a picture.
    """
    refusal = addresses.inline_content_refusal(text)
    return refusal is not None and refusal != str(addresses.LONG_BLOB)


def stored_counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportedAddress.objects.count(), UrlRecord.objects.count()


def stored_inline_content() -> list[str]:
    """Every stored address or description that holds a picture, if any."""
    found = [url for url in UrlRecord.objects.values_list("url", flat=True) if holds_inline_content(url)]
    found += [
        typed for typed in ReportedAddress.objects.values_list("as_typed", flat=True) if holds_inline_content(typed)
    ]
    found += [text for text in Report.objects.values_list("description", flat=True) if holds_inline_content(text)]
    return found
