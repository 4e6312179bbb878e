"""No credentials typed into an address are stored, in any spelling (issue 15, item 5).

Before: the canonical form dropped `user:password@`, but the address "as typed", shown to analysts,
kept it whenever the spelling was odd: a missing slash, an invisible character in front, an `@` in
the password, escapes, backslashes.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment import liveness
from enrichment.models import LivenessCheck
from enrichment.services import liveness_apply
from reports import addresses
from reports.addresses import AddressError, canonicalize, without_credentials
from reports.models import ReportedAddress, UrlRecord
from testsupport.reports import send_report

SPELLINGS = [
    "http://alice:hunter2@example.com/a",
    "http:/alice:hunter2@example.com/a",
    "http:///alice:hunter2@example.com/a",
    "\u200bhttp://alice:hunter2@example.com/a",
    "\ufeff \u200b\u2060https://alice:hunter2@example.com/a",
    "http://alice:p@hunter2@example.com/a",
    "http://alice:hunter2@@example.com/a",
    "http://alice:p%40hunter2@example.com/a",
    "http://alice%3Ahunter2%40example.com/a",
    "http%3A%2F%2Falice:hunter2%40example.com/a",
    "http%253A%252F%252Falice:hunter2%2540example.com/a",
    "http:\\\\alice:hunter2@example.com\\a",
    "http:/\\alice:hunter2@example.com/a",
    "HTTPS://alice:hunter2@EXAMPLE.com/a",
    "alice@example.com/a",
    "alice.hunter2:8080@example.com/a",
    "//alice:hunter2@example.com/a",
    "http://alice:hunter2@example.com:8080/a",
    "http://alice:hunter2@example.com?x=1",
    "http://alice:hun\u200bter2@example.com/a",
    "ht\ttp://alice:hunter2@example.com/a",
    "http://alice:hunter2%252540@example.com/a",
    "http://ali ce:hun ter2@example.com/a",
]


def _stored_texts() -> list[str]:
    texts = list(ReportedAddress.objects.values_list("as_typed", flat=True))
    for url, host in UrlRecord.objects.values_list("url", "host"):
        texts += [url, host]
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SPELLINGS)
def test_no_stored_form_of_a_reported_address_carries_its_credentials(client, typed):
    assert send_report(client, typed).status_code == 200
    stored = _stored_texts()
    assert len(stored) == 3
    for text in stored:
        for secret in ("alice", "ali ce", "hunter2", "hun ter2", "hun\u200bter2"):
            assert secret not in text, (typed, text)
    (as_typed,) = ReportedAddress.objects.values_list("as_typed", flat=True)
    assert "example.com" in as_typed.lower() or "example.com" in canonicalize(as_typed)


@pytest.mark.parametrize("typed", SPELLINGS)
def test_what_is_kept_as_typed_is_still_the_same_address(typed):
    assert canonicalize(without_credentials(typed, canonical=canonicalize(typed))) == canonicalize(typed)


def test_an_address_without_credentials_is_kept_exactly_as_typed():
    for typed in ["example.com/a@b", "http://example.com/user@host", "https://example.com/?mail=a@b.c"]:
        assert without_credentials(typed, canonical=canonicalize(typed)) == typed


@pytest.mark.django_db
def test_liveness_keeps_no_credentials_from_a_redirect(analyst):
    record = UrlRecord.objects.create(url="http://example.com/a", url_sha256="0" * 64, host="example.com")
    result = liveness.LivenessResult(
        url=record.url,
        outcome="ok",
        status=200,
        final_url="http://bob:hunter2@example.org/b",
        redirects=[
            liveness.Redirect(
                url="http://example.com/a", status=302, location="http://bob:hunter2@example.org/b", method="HEAD"
            )
        ],
    )
    liveness_apply(record, result)
    check = LivenessCheck.objects.get()
    assert "hunter2" not in check.final_url and "bob" not in check.final_url
    assert "hunter2" not in str(check.redirects) and "bob" not in str(check.redirects)
    assert check.final_url == "http://example.org/b"


_PIECES = st.sampled_from(
    ["http", "https", ":", "/", "\\", "//", "%2F", "%5C", "%3A", "%40", "%2540", "@", "alice", "hunter2", "?", "#",
     "example.com", ".", "\u200b", "\t", " ", "%", "25", "40", ":8080", "[::1]", "a"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_whatever_is_typed_what_is_kept_has_no_userinfo_and_is_the_same_address(typed):
    try:
        canonical = canonicalize(typed)
    except AddressError:
        return
    kept = without_credentials(typed, canonical=canonical)
    assert canonicalize(kept) == canonical
    if "@" in typed or "%40" in typed.lower():
        assert not addresses._has_userinfo(kept), (typed, kept)
