"""What enrichment tells the rest of the site."""

from django.dispatch import Signal

# Sent inside the transaction that marks a record enriched or failed, so a
# receiver's writes commit, or roll back, together with that state.
# Arguments: record_id (int), state (UrlRecord.Enrichment).
record_enrichment_finished = Signal()
