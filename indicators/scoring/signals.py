"""Signals of the scoring work, for apps that react to new scores (alerts) without scoring knowing them."""

from django.dispatch import Signal

# Sent inside the recompute transaction, after the scores are stored, with:
#   tenant, as_of, and changes: {account_id: ScoreChange} for every account scored.
scores_stored = Signal()
