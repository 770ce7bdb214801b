"""Signals other apps listen to, so outcomes never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that saves renewals, with tenant and changes: a list of (renewal, change)
# where change is "created", "updated" or "closed" (a close, or a correction of one). A renewal that
# closes and opens the account's next term sends both in one list.
renewals_updated = Signal()
