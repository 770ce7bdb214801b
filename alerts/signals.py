"""Signals other apps listen to, so alerts never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that opens alerts (one or many at once), with tenant and alerts: the
# new Alert rows, saved. A firing that only refreshes an open alert sends nothing.
alerts_opened = Signal()

# Sent inside the transaction that closes alerts (a person's close, or csplatform's when the cause is
# gone), with tenant and alerts: the closed Alert rows, saved.
alerts_closed = Signal()
