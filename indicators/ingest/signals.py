"""Signals of ingestion, for apps above that act on what was stored without ingestion knowing them."""

from django.dispatch import Signal

# Sent inside the storing transaction with: tenant, and events: the commercial moves just stored (NewEvent;
# renewal, expansion, downsell, churn) that belong to an account, oldest first.
commercial_events_stored = Signal()

COMMERCIAL_MOVES = frozenset({"renewal", "expansion", "downsell", "churn"})
