"""One call per account: index the inputs once, compute the indicators, score them, evaluate the contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from indicators.engine.catalogue import ACCOUNT_INDICATORS, CATALOGUE
from indicators.engine.contacts import DEFAULT_ADOPTION, AdoptionThresholds, ContactResult, evaluate_contacts
from indicators.engine.declaration import checked
from indicators.engine.index import AccountIndex, build_index
from indicators.engine.inputs import AccountInputs
from indicators.engine.score import ScoreResult, score
from indicators.engine.scorecard import DEFAULT_SCORECARD, Scorecard


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountEvaluation:
    as_of: datetime
    values: Mapping[str, float | None]  # every account-level indicator (or those asked for); None: no data
    score: ScoreResult
    contacts: tuple[ContactResult, ...]  # empty unless asked for


def account_values(index: AccountIndex, keys: Iterable[str] | None = None) -> dict[str, float | None]:
    """Account-level indicator values from an index: all of them, or ``keys``."""
    indicators = ACCOUNT_INDICATORS if keys is None else [CATALOGUE[key] for key in keys]
    return {i.key: checked(i, i.account(index)) for i in indicators}


def evaluate_account(
    inputs: AccountInputs,
    *,
    scorecard: Scorecard = DEFAULT_SCORECARD,
    keys: Iterable[str] | None = None,
    with_contacts: bool = False,
    adoption: AdoptionThresholds = DEFAULT_ADOPTION,
) -> AccountEvaluation:
    """Indicators (all, or ``keys`` plus the scorecard's), the score, and optionally every contact's evaluation."""
    index = build_index(inputs)
    if keys is not None:
        keys = dict.fromkeys([*keys, *(m.indicator for m in scorecard.measures)])
    values = account_values(index, keys)
    return AccountEvaluation(
        as_of=inputs.as_of,
        values=values,
        score=score(values=values, scorecard=scorecard, gut=index.gut_points),
        contacts=evaluate_contacts(index, thresholds=adoption) if with_contacts else (),
    )
