import threading

import pytest
from django.db import connection, connections

from reports import receipts
from reports.addresses import url_sha256
from reports.models import Report, ReportedAddress, UrlRecord
from reports.services import AddressInput, report_submit


def submit(*canonicals: str, typed: list[str] | None = None):
    typed = typed or list(canonicals)
    return report_submit(
        addresses=[AddressInput(as_typed=t, canonical=c) for t, c in zip(typed, canonicals, strict=True)],
        seen="images",
        found_on="website",
    )


@pytest.mark.django_db
def test_a_new_address_makes_one_record_indexed_by_its_hash():
    submit("http://example.com/a")
    record = UrlRecord.objects.get()
    assert record.url == "http://example.com/a"
    assert record.url_sha256 == url_sha256("http://example.com/a")
    assert record.host == "example.com"
    assert record.report_count == 1
    # Stored marked queued; the broker gets it after the commit (see test_queue_after_commit).
    assert record.enrichment_state == UrlRecord.Enrichment.QUEUED


@pytest.mark.django_db
def test_reporting_a_known_address_adds_the_report_to_the_same_record():
    first = submit("http://example.com/a").report
    second = submit("http://example.com/a").report
    record = UrlRecord.objects.get()
    assert record.report_count == 2
    assert record.last_reported_at == second.received_at
    assert record.first_reported_at == first.received_at
    assert set(record.reports.all()) == {first, second}


@pytest.mark.django_db
def test_a_report_keeps_each_address_as_typed_in_order():
    report = submit(
        "http://example.com/b", "http://example.com/a", typed=["EXAMPLE.com/b", " http://example.com/a"]
    ).report
    rows = list(report.addresses.values_list("as_typed", "record__url", "position"))
    assert rows == [("EXAMPLE.com/b", "http://example.com/b", 0), (" http://example.com/a", "http://example.com/a", 1)]


@pytest.mark.django_db
def test_the_same_address_twice_in_one_report_counts_once():
    report = submit(
        "http://example.com/a", "http://example.com/a", typed=["example.com/a", "http://EXAMPLE.com/a"]
    ).report
    assert report.addresses.count() == 1
    assert UrlRecord.objects.get().report_count == 1


@pytest.mark.django_db
def test_only_records_created_by_the_report_are_queued():
    submit("http://example.com/a")
    second = submit("http://example.com/a", "http://example.com/new")
    assert second.new_record_ids == [UrlRecord.objects.get(url="http://example.com/new").pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reports_of_a_new_address_make_one_record():
    addresses = [f"http://race.example/{i}" for i in range(10)]
    barrier = threading.Barrier(6)
    errors, queued = [], []

    def reporter(order):
        try:
            barrier.wait(timeout=10)
            queued.extend(submit(*order).new_record_ids)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # Half of them name the addresses in reverse order, to provoke lock-order deadlocks.
    threads = [
        threading.Thread(target=reporter, args=(addresses if i % 2 else list(reversed(addresses)),)) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert connection.vendor == "postgresql"
    assert UrlRecord.objects.count() == 10
    assert set(UrlRecord.objects.values_list("report_count", flat=True)) == {6}
    assert Report.objects.count() == 6
    assert ReportedAddress.objects.count() == 60
    # Each new record is queued by the one report that made it, not by every report that raced for it.
    assert sorted(queued) == sorted(UrlRecord.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_taken_reference_is_drawn_again_and_nothing_of_the_first_try_is_kept(monkeypatch):
    first = submit("http://example.com/first")
    drawn = iter([first.report.reference, "R-ZZZZ-ZZZ1"])
    monkeypatch.setattr(receipts, "new_reference", lambda: next(drawn))

    second = submit("http://example.com/second", "http://example.com/first")

    assert second.report.reference == "R-ZZZZ-ZZZ1"
    assert Report.objects.count() == 2
    assert ReportedAddress.objects.count() == 3
    assert UrlRecord.objects.get(url="http://example.com/first").report_count == 2
    assert UrlRecord.objects.get(url="http://example.com/second").report_count == 1
    assert second.new_record_ids == [UrlRecord.objects.get(url="http://example.com/second").pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("http://user:secret@example.com/a", "http://example.com/a"),
        ("HTTPS://me@example.com/a", "HTTPS://example.com/a"),
        ("http://example.com/a@b", "http://example.com/a@b"),
    ],
)
def test_credentials_typed_in_an_address_are_never_stored(typed, kept):
    from reports.addresses import canonicalize

    report = submit(canonicalize(typed), typed=[typed]).report
    assert report.addresses.get().as_typed == kept
    assert "secret" not in UrlRecord.objects.get().url
