"""A record gets its triage row in the transaction that finishes its enrichment, enriched or failed."""

from django.core.management import call_command
from django.urls import reverse

from enrichment import pipeline
from testsupport.triage import enriched_record
from triage.models import TriageState
from triage.services.states import states_sync


def test_a_record_enriched_by_the_worker_enters_the_queue(db, monkeypatch):
    from enrichment import liveness, services

    monkeypatch.setattr(
        liveness, "check_url", lambda url, resolver=None: liveness.LivenessResult(url=url, outcome="ok")
    )
    record = enriched_record("http://192.0.2.10/a", enrichment_state="queued")
    assert not TriageState.objects.filter(pk=record.pk).exists()
    assert services.record_enrich(record_id=record.pk).result == "enriched"
    assert TriageState.objects.get(pk=record.pk).status == "awaiting_assessment"


def test_a_failed_record_enters_the_queue_at_once(analyst_client, db):
    record = enriched_record("http://example.com/b", enrichment_state="queued")
    pipeline.record_fail(record, error="gave up")
    assert TriageState.objects.get(pk=record.pk).status == "awaiting_assessment"
    html = analyst_client.get(reverse("triage:queue")).content.decode()
    assert reverse("triage:record", args=[record.pk]) in html
    assert "enrichment failed" in html


def test_the_full_sync_catches_enriched_records_without_a_row(db, capsys):
    record = enriched_record("http://example.com/c")
    TriageState.objects.all().delete()
    assert states_sync() == 1
    TriageState.objects.all().delete()
    call_command("triage_sync")
    assert TriageState.objects.filter(pk=record.pk).exists()
    assert "1 record(s)" in capsys.readouterr().out


def test_other_saves_of_a_record_do_not_touch_its_row(analyst, db):
    from testsupport.triage import assess

    record = enriched_record("http://example.com/d")
    assess(analyst, record, "not_illegal")
    record.online = True
    record.save(update_fields=["online"])
    record.save()
    assert TriageState.objects.get(pk=record.pk).status == "no_action"


def test_migrations_match_the_models(db):
    call_command("makemigrations", "triage", "--check", "--dry-run", verbosity=0)
