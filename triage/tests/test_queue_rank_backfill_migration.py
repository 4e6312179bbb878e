"""The migration that adds the stored queue order ranks the rows that were already waiting."""

import importlib

from django.apps import apps

from testsupport.triage import assess, enriched_record, state_of
from triage.models import TriageState

migration = importlib.import_module("triage.migrations.0005_triagestate_queue_rank")


def test_it_ranks_waiting_rows_as_the_live_code_would_and_leaves_decided_ones(analyst, db):
    online = enriched_record("http://example.com/online", online=True, report_count=2)
    plain = enriched_record("http://example.com/plain")
    decided = enriched_record("http://example.com/decided")
    assess(analyst, decided, "not_illegal")
    expected = {r.pk: (state_of(r).priority, state_of(r).queue_rank) for r in (online, plain)}
    TriageState.objects.update(priority=0, queue_rank=0)  # as the columns arrive on existing rows

    migration.rank_waiting_rows(apps, None)

    assert {r.pk: (state_of(r).priority, state_of(r).queue_rank) for r in (online, plain)} == expected
    assert (state_of(decided).priority, state_of(decided).queue_rank) == (0, 0)
