"""What triage tells the rest of the site."""

from django.dispatch import Signal

# Sent inside the transaction that confirms a record criminal (the second
# senior analyst agreed), so a receiver's writes commit or roll back with it.
# Arguments: record (UrlRecord), assessment (Assessment), at (datetime).
record_confirmed = Signal()
