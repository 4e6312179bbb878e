"""What the reports domain tells the rest of the site."""

from django.dispatch import Signal

# Sent once the transaction that stored a report has committed, with the
# records it created (stored already marked queued at `queued_at`). Enrichment
# receives it and hands them to its workers; reports never calls enrichment.
# Arguments: record_ids (list[int]), queued_at (datetime).
records_stored = Signal()

# Sent inside the transaction that stores a report naming addresses already on
# record (their report count has just gone up), so a receiver's writes commit
# or roll back with the report. Arguments: record_ids (list[int]), at (datetime).
records_reported_again = Signal()
