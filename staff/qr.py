"""QR codes drawn on our own server, as inline SVG.

The enrolment QR holds the TOTP secret: it must never be sent to a QR
service, and the CSP (img-src 'self') forbids data: images anyway.
"""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, scale: int = 5) -> SafeString:
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(
        scale=scale,
        border=4,
        dark="#000",
        light="#fff",
        title="QR code for your authenticator app",
        svgclass="qr",
        # A viewBox instead of a fixed size, so CSS can scale it without cropping.
        omitsize=True,
    )
    # segno builds the markup from the matrix; the only text in it is our title.
    return mark_safe(svg)  # noqa: S308
