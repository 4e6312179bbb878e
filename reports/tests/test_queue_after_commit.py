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
    from reports.tests.helpers import send_report

    def broker_down(record_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(pipeline, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send_report(client, "http://example.com/a")
    assert len(callbacks) == 1
    assert response.status_code == 200 and response.context["reference"]
    assert UrlRecord.objects.get().enrichment_state == "new"
