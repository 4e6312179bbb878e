"""What enrichment tells the rest of the site."""

from django.dispatch import Signal

# Sent inside the transaction that marks a record enriched or failed, so a
# receiver's writes commit, or roll back, together with that state.
# Arguments: record_id (int), state (UrlRecord.Enrichment).
record_enrichment_finished = Signal()

# Sent inside the transaction that stores a liveness check and updates the
# record's summary (the record's row is locked), for the newest check only.
# Arguments: record (UrlRecord, as just saved), check (LivenessCheck).
liveness_checked = Signal()
