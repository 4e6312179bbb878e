"""Hypothesis strategies for what people and bots type into the report form and the API."""

from __future__ import annotations

import base64

from hypothesis import strategies as st

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
GIF = b"GIF89a\x01\x00\x01\x00"
MAGIC = st.sampled_from([PNG, JPEG, GIF, b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypisom"])


@st.composite
def image_in_text(draw) -> str:
    """An image signature, encoded as an address or a description might carry it."""
    # At least a few bytes after the signature: a signature alone (11 bytes of a
    # JPEG header, 15 unpadded URL-safe base64 characters) holds no picture, and
    # the detector looks at runs of 16 characters or more (reports.addresses.MAGIC_RUN).
    payload = draw(MAGIC) + draw(st.binary(min_size=4, max_size=48))
    encoded = draw(
        st.sampled_from(
            [
                base64.b64encode(payload).decode(),
                base64.urlsafe_b64encode(payload).decode().rstrip("="),
                payload.hex(),
                "data:image/png;base64," + base64.b64encode(payload).decode(),
                "data:," + payload.hex(),
                "DATA%3Aimage%2Fgif%3Bbase64%2C" + base64.b64encode(payload).decode(),
                "<svg onload=alert(1)>",
            ]
        )
    )
    host = draw(st.sampled_from(["http://example.com/", "https://img.example/p?", "example.org/a#", ""]))
    return host + encoded


ADDRESS_LIKE = st.one_of(
    st.just("http://example.com/a"),
    st.builds(
        "https://{}.example/{}".format,
        st.text("abcdefgh0123", min_size=1, max_size=10),
        st.text("abc/-_%?=&", max_size=30),
    ),  # fmt: skip
    image_in_text(),
    st.text(max_size=300),  # unicode, control characters, lone surrogates' neighbours
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2000, max_size=2100),  # one huge line
    st.sampled_from(["javascript:alert(1)", "file:///etc/passwd", "http://user:pass@example.com/", "\x00", "\r\n"]),
)
DESCRIPTION = st.one_of(st.just(""), st.text(max_size=200), image_in_text())
