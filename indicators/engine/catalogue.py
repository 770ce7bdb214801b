"""The indicator catalogue: every indicator, declared once in its category module, looked up by key."""

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


CATALOGUE: Mapping[str, Indicator] = _catalogue()
ACCOUNT_INDICATORS: tuple[Indicator, ...] = tuple(i for i in CATALOGUE.values() if Level.ACCOUNT in i.levels)
CONTACT_INDICATORS: tuple[Indicator, ...] = tuple(i for i in CATALOGUE.values() if Level.CONTACT in i.levels)


def indicator(key: str) -> Indicator:
    """The indicator declared under ``key``; KeyError with the known keys otherwise."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"Unknown indicator {key!r}; known: {', '.join(sorted(CATALOGUE))}.")
