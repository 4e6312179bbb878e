"""What takedown tells the rest of the site."""

from django.dispatch import Signal

# Sent inside the transaction that puts a record on the URL list (confirmed
# criminal, or re-opened) or takes it off (removed, unavailable, moved), so a
# receiver's writes commit or roll back with the change.
# Arguments: record_id (int), listed (bool), at (datetime).
listing_changed = Signal()
