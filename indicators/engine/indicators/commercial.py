"""Commercial lagging indicators: escalations, refund and discount requests, downsells."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex


def _count(names: tuple[str, ...], days: int):
    def compute(ix: AccountIndex) -> Value:
        if not ix.covers_events(days):
            return NO_DATA
        return float(sum(1 for name in names for offset in ix.commercial.get(name, ()) if offset < days))

    return compute


def _declare(**fields) -> Indicator:
    return Indicator(category=Category.COMMERCIAL, kind=Kind.LAGGING, direction=Direction.LOWER_IS_BETTER, **fields)


INDICATORS = (
    _declare(
        key="account_escalations_90d",
        label="Account escalations (90d)",
        window_days=90,
        unit="escalations",
        action="Hold an executive call to agree a recovery plan",
        account=_count(("escalation",), 90),
    ),
    _declare(
        key="refund_or_discount_requests_90d",
        label="Refund or discount requests (90d)",
        window_days=90,
        unit="requests",
        action="Find out what value the customer is missing before talking price",
        account=_count(("refund_request", "discount_request"), 90),
    ),
    _declare(
        key="downsells_180d",
        label="Downsells (180d)",
        window_days=180,
        unit="downsells",
        action="Review the account's goals and rebuild the value case",
        account=_count(("downsell",), 180),
    ),
)
