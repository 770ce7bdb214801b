"""Per contact: the contact-level indicators and the adoption stage, by rules a tenant can tune.

Stages, first match wins:

* invited: never used the product (no usage in the rollups, never seen);
* dormant: used it, but not for ``dormant_after_days`` days or more;
* habitual: active on ``habitual_min_active_days`` of the last 30 days, in ``habitual_min_active_weeks`` of
  the last 4 weeks;
* adopting: active on ``adopting_min_active_days`` of the last 30 days;
* activated: used it, recently, but less than that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from indicators.engine.catalogue import CATALOGUE, CONTACT_INDICATORS
from indicators.engine.declaration import checked
from indicators.engine.index import AccountIndex, ContactView, window_mask

WEEKS = tuple(window_mask(7, 7 * week) for week in range(4))


class AdoptionStage(StrEnum):
    INVITED = "invited"
    ACTIVATED = "activated"
    ADOPTING = "adopting"
    HABITUAL = "habitual"
    DORMANT = "dormant"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdoptionThresholds:
    adopting_min_active_days: int = 4
    habitual_min_active_days: int = 12
    habitual_min_active_weeks: int = 3
    dormant_after_days: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.adopting_min_active_days <= self.habitual_min_active_days <= 30:
            raise ValueError("Need 1 <= adopting_min_active_days <= habitual_min_active_days <= 30.")
        if not 1 <= self.habitual_min_active_weeks <= 4:
            raise ValueError("habitual_min_active_weeks must be between 1 and 4.")
        if self.dormant_after_days < 1:
            raise ValueError("dormant_after_days must be at least 1.")


DEFAULT_ADOPTION = AdoptionThresholds()


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactResult:
    contact_id: int
    adoption_stage: str
    values: Mapping[str, float | None]  # contact-level indicator key -> value (None: no data)


def adoption_stage(view: ContactView, thresholds: AdoptionThresholds = DEFAULT_ADOPTION) -> AdoptionStage:
    idle = view.days_since_usage()
    if idle is None:
        return AdoptionStage.INVITED
    if idle >= thresholds.dormant_after_days:
        return AdoptionStage.DORMANT
    active_days = view.active_days(30)
    if (
        active_days >= thresholds.habitual_min_active_days
        and sum(1 for week in WEEKS if view.mask & week) >= thresholds.habitual_min_active_weeks
    ):
        return AdoptionStage.HABITUAL
    if active_days >= thresholds.adopting_min_active_days:
        return AdoptionStage.ADOPTING
    return AdoptionStage.ACTIVATED


def contact_values(view: ContactView, keys: Iterable[str] | None = None) -> dict[str, float | None]:
    indicators = CONTACT_INDICATORS if keys is None else [CATALOGUE[key] for key in keys]
    return {i.key: checked(i, i.contact(view)) for i in indicators}


def evaluate_contacts(
    index: AccountIndex, *, thresholds: AdoptionThresholds = DEFAULT_ADOPTION, keys: Iterable[str] | None = None
) -> tuple[ContactResult, ...]:
    """Every current contact of the indexed account: its stage and contact-level indicator values."""
    keys = None if keys is None else tuple(keys)
    results = []
    for contact_id in index.contacts:
        view = index.contact_view(contact_id)
        results.append(
            ContactResult(
                contact_id=contact_id,
                adoption_stage=adoption_stage(view, thresholds).value,
                values=contact_values(view, keys),
            )
        )
    return tuple(results)
