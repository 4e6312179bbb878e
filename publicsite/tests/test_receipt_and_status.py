import re
import time

import pytest

from reports import receipts
from reports.models import Report
from testsupport.reports import confirmation_codes, post_form, send_report


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.REPORT_RATE_LIMIT = 0


@pytest.mark.django_db
def test_the_confirmation_shows_a_short_reference_and_a_long_receipt(client):
    response = send_report(client)
    reference, receipt = confirmation_codes(response)
    assert re.fullmatch(r"R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", reference)
    assert len(receipt.replace("-", "")) >= 16
    assert reference in response.content.decode() and receipt in response.content.decode()


@pytest.mark.django_db
def test_the_receipt_is_stored_only_as_a_hash(client):
    reference, receipt = confirmation_codes(send_report(client))
    report = Report.objects.get(reference=reference)
    assert receipt not in str(Report.objects.filter(pk=report.pk).values().get())
    assert report.receipt_hash == receipts.receipt_hash(reference, receipt)


@pytest.mark.django_db
def test_every_receipt_is_different(client):
    seen = {confirmation_codes(send_report(client))[1] for _ in range(5)}
    assert len(seen) == 5


@pytest.mark.django_db
def test_the_right_receipt_shows_a_coarse_status(client):
    reference, receipt = confirmation_codes(send_report(client))
    response = post_form(client, "/status/", {"reference": reference, "receipt": receipt})
    assert response.status_code == 200
    assert response.context["found"] is True
    assert "Received" in response.content.decode()


@pytest.mark.django_db
def test_a_receipt_typed_loosely_still_matches(client):
    reference, receipt = confirmation_codes(send_report(client))
    response = post_form(
        client, "/status/", {"reference": reference.lower().replace("-", " "), "receipt": receipt.lower()}
    )
    assert response.context["found"] is True


@pytest.mark.django_db
def test_a_wrong_receipt_and_an_unknown_reference_get_the_same_answer(client):
    reference, receipt = confirmation_codes(send_report(client))
    wrong_receipt = post_form(client, "/status/", {"reference": reference, "receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    unknown = post_form(client, "/status/", {"reference": "R-ZZZZ-ZZZZ", "receipt": receipt})
    assert wrong_receipt.status_code == unknown.status_code == 200
    assert wrong_receipt.context["found"] is unknown.context["found"] is False

    def without_tokens(response):
        return (
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
            .replace(reference, "")
            .replace("R-ZZZZ-ZZZZ", "")
        )

    assert without_tokens(wrong_receipt) == without_tokens(unknown)


@pytest.mark.django_db
def test_a_wrong_receipt_takes_as_long_as_a_right_one(client):
    reference, receipt = confirmation_codes(send_report(client))

    def timed(data, batches=5, rounds=10):
        # The fastest batch: what the code costs, without the machine's other load.
        best = float("inf")
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(rounds):
                post_form(client, "/status/", data)
            best = min(best, (time.perf_counter() - start) / rounds)
        return best

    right = timed({"reference": reference, "receipt": receipt})
    wrong = timed({"reference": reference, "receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    unknown = timed({"reference": "R-ZZZZ-ZZZZ", "receipt": receipt})
    # Same work on every path; allow generous noise for a shared CI machine.
    assert max(right, wrong, unknown) < 3 * min(right, wrong, unknown)


@pytest.mark.django_db
def test_the_status_page_says_nothing_but_the_status(client):
    reference, receipt = confirmation_codes(send_report(client, "http://example.com/secret-path", description="zebra"))
    body = post_form(client, "/status/", {"reference": reference, "receipt": receipt}).content.decode()
    assert "secret-path" not in body and "zebra" not in body and receipt not in body
