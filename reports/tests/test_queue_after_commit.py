import pytest

from enrichment import pipeline
from reports.models import UrlRecord
from reports.services import AddressInput, report_submit


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(pipeline, "_send", sent.append)
    return sent


def submit(*urls):
    return report_submit(addresses=[AddressInput(u, u) for u in urls], seen="images", found_on="website")


@pytest.mark.django_db
def test_nothing_is_queued_before_the_report_is_committed(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submit("http://example.com/a", "http://example.com/b")
        assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == submission.new_record_ids
    assert set(UrlRecord.objects.values_list("enrichment_state", flat=True)) == {"queued"}


@pytest.mark.django_db
def test_a_rolled_back_report_queues_nothing(sent, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        submit("http://example.com/a")
        raise RuntimeError("the database went away")
    assert sent == [] and UrlRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_broker_that_refuses_leaves_the_records_new_and_the_report_stored(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(record_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(pipeline, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit("http://example.com/a", "http://example.com/b")
    assert submission.report.pk is not None
    assert set(UrlRecord.objects.values_list("enrichment_state", flat=True)) == {"new"}


@pytest.mark.django_db
def test_the_public_form_still_confirms_when_the_broker_is_down(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from testsupport.reports import confirmation_codes, send_report

    def broker_down(record_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(pipeline, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send_report(client, "http://example.com/a")
    assert len(callbacks) == 1
    assert confirmation_codes(response)[0].startswith("R-")
    assert UrlRecord.objects.get().enrichment_state == "new"


@pytest.mark.django_db
def test_after_the_commit_the_records_are_only_published_not_written_again(
    sent, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submit("http://example.com/a", "http://example.com/b")
    with django_assert_num_queries(0):
        callbacks[0]()
    assert sent == submission.new_record_ids


@pytest.mark.django_db
def test_records_the_broker_did_not_take_go_back_to_new_and_the_others_stay_queued(
    monkeypatch, django_capture_on_commit_callbacks
):
    taken = []

    def broker_fails_after_one(record_id):
        if taken:
            raise ConnectionRefusedError("broker down")
        taken.append(record_id)

    monkeypatch.setattr(pipeline, "_send", broker_fails_after_one)
    with django_capture_on_commit_callbacks(execute=True):
        submit("http://example.com/a", "http://example.com/b", "http://example.com/c")
    states = dict(UrlRecord.objects.values_list("pk", "enrichment_state"))
    assert states.pop(taken[0]) == "queued"
    assert set(states.values()) == {"new"}
    assert UrlRecord.objects.filter(enrichment_state="new", queued_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_database_lost_after_the_commit_does_not_fail_the_report(monkeypatch, django_capture_on_commit_callbacks):
    from django.db import DatabaseError
    from django.db.models import QuerySet

    def broker_down(record_id):
        raise ConnectionRefusedError("broker down")

    def database_down(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(pipeline, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit("http://example.com/a")
        monkeypatch.setattr(QuerySet, "update", database_down)
    monkeypatch.undo()
    # Stored, and still marked queued: the sweep takes it after SWEEP_QUEUED_AFTER.
    assert submission.report.pk is not None
    assert UrlRecord.objects.get().enrichment_state == "queued"
