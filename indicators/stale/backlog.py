"""How far behind the recompute is, for monitoring: one cheap read of the durable marks.

Crosses tenants (an operator's figure, never shown to a tenant), so it reads the unscoped manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from accounts.models import Account


@dataclass(frozen=True)
class RecomputeBacklog:
    accounts: int  # accounts marked and not yet rescored
    oldest_mark: datetime | None  # when the longest-waiting of them was first marked


def recompute_backlog() -> RecomputeBacklog:
    """The accounts waiting for a recompute (their durable marks), and the oldest mark."""
    # One pass over the accounts (no index on the mark: it would cost every ingesting UPDATE its HOT path).
    found = Account.unscoped.filter(needs_recompute_since__isnull=False).aggregate(
        accounts=Count("pk"), oldest=Min("needs_recompute_since")
    )
    return RecomputeBacklog(accounts=found["accounts"], oldest_mark=found["oldest"])
