"""What storing reports tells the rest of the site."""

from django.dispatch import Signal

# Sent inside the transaction that stores a report naming addresses already on
# record (their report count has just gone up), so a receiver's writes commit
# or roll back with the report. Arguments: record_ids (list[int]), at (datetime).
records_reported_again = Signal()
