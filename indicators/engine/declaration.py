"""How an indicator is declared: the ``Indicator`` dataclass, its enums and the ``NO_DATA`` marker."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from indicators.engine.index import AccountIndex, ContactView


class NoData:
    """The type of ``NO_DATA``: an indicator cannot be computed from the inputs (not the same as zero)."""

    _instance: NoData | None = None

    def __new__(cls) -> NoData:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DATA"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (NoData, ())


NO_DATA: Final = NoData()
Value = float | NoData


class Category(StrEnum):
    ENGAGEMENT = "engagement"
    ONBOARDING = "onboarding"
    USAGE = "usage"
    SENTIMENT = "sentiment"
    RELATIONSHIP = "relationship"
    SUPPORT = "support"
    COMMERCIAL = "commercial"


class Kind(StrEnum):
    LEADING = "leading"
    LAGGING = "lagging"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Level(StrEnum):
    ACCOUNT = "account"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """One indicator, declared once: what it means, how to read it, and how to compute it.

    ``account`` computes it from an account's index, ``contact`` (if it exists at that level) from one
    contact's view; both return a number or ``NO_DATA``. ``action`` is the next step suggested when this
    indicator drags the score down.
    """

    key: str
    label: str
    category: Category
    kind: Kind
    window_days: int | None
    unit: str
    direction: Direction
    action: str
    account: Callable[[AccountIndex], Value] | None = None
    contact: Callable[[ContactView], Value] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.account is None and self.contact is None:
            raise ValueError(f"Indicator {self.key!r} has no compute function.")

    @property
    def levels(self) -> frozenset[Level]:
        return frozenset(
            level for level, fn in ((Level.ACCOUNT, self.account), (Level.CONTACT, self.contact)) if fn is not None
        )

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.HIGHER_IS_BETTER


def checked(indicator: Indicator, value: object) -> float | None:
    """A compute function's result as a float, or None for no data; anything else is a bug in the function."""
    if value is NO_DATA:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    raise TypeError(f"Indicator {indicator.key!r} returned {value!r}; expected a finite number or NO_DATA.")
