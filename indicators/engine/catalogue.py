"""The indicator catalogue: every indicator, declared once in its category module, looked up by key.

Every day-based indicator counts by ``DAYS_RULE``; an indicator without data says so (None), never a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from indicators.engine.declaration import Indicator, Level
from indicators.engine.indicators import commercial, engagement, onboarding, relationship, sentiment, support, usage


def _catalogue() -> Mapping[str, Indicator]:
    by_key: dict[str, Indicator] = {}
    for module in (engagement, onboarding, usage, sentiment, relationship, support, commercial):
        for indicator in module.INDICATORS:
            if indicator.key in by_key:
                raise ValueError(f"Indicator {indicator.key!r} is declared twice.")
            by_key[indicator.key] = indicator
    return MappingProxyType(by_key)


DAYS_RULE = (
    'Days are dates of the tenant\'s calendar (its time zone): "days since" counts the midnights between the '
    "moment and now, an N-day window is today and the N - 1 days before it, and an event counts from its moment. "
    '"Never" is no data, not a number of days.'
)

CATALOGUE: Mapping[str, Indicator] = _catalogue()
ACCOUNT_INDICATORS: tuple[Indicator, ...] = tuple(i for i in CATALOGUE.values() if Level.ACCOUNT in i.levels)
CONTACT_INDICATORS: tuple[Indicator, ...] = tuple(i for i in CATALOGUE.values() if Level.CONTACT in i.levels)


def indicator(key: str) -> Indicator:
    """The indicator declared under ``key``; KeyError with the known keys otherwise."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"Unknown indicator {key!r}; known: {', '.join(sorted(CATALOGUE))}.")
