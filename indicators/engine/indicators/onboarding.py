"""Onboarding: objectives, the customers' rating of it, adoption during it, its length, time to first value."""

from __future__ import annotations

from indicators.engine.calendar import local_day
from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex, ContactView, window_mask
from indicators.engine.inputs import LifecycleStage


def objectives_documented(ix: AccountIndex) -> Value:
    return 1.0 if ix.account.objectives_documented else 0.0


def onboarding_rating(ix: AccountIndex) -> Value:
    scores = [score for _, _, score in ix.onboarding_answers]
    return sum(scores) / len(scores) if scores else NO_DATA


def contact_onboarding_rating(cv: ContactView) -> Value:
    mine = [(at, score) for contact_id, at, score in cv.index.onboarding_answers if contact_id == cv.facts.id]
    return float(max(mine)[1]) if mine else NO_DATA


def _onboarding_period(ix: AccountIndex):
    """(start, end) of onboarding, ending today while it runs; None when not started or its end is unknown."""
    start, end = ix.account.onboarding_started_on, ix.account.onboarding_completed_on
    if start is None or start > ix.today:
        return None
    if end is not None and start <= end <= ix.today:
        return start, end
    if ix.account.lifecycle_stage == LifecycleStage.ONBOARDING:
        return start, ix.today
    return None  # past onboarding by its stage, but no completion date: the length is unknown


def onboarding_adoption(ix: AccountIndex) -> Value:
    period = _onboarding_period(ix)
    if period is None or not ix.account.licenses:
        return NO_DATA
    start, end = period
    if not ix.covers_rollups((ix.today - start).days + 1):
        return NO_DATA  # the rollups do not reach back to the start of onboarding
    mask = window_mask((end - start).days + 1, (ix.today - end).days)
    users = sum(1 for m in ix.usage_masks.values() if m & mask)
    return 100.0 * users / ix.account.licenses


def days_in_onboarding(ix: AccountIndex) -> Value:
    period = _onboarding_period(ix)
    return NO_DATA if period is None else float((period[1] - period[0]).days)


def time_to_first_value(ix: AccountIndex) -> Value:
    start = ix.account.onboarding_started_on
    if start is None or start > ix.today:
        return NO_DATA
    if ix.first_value_at is not None and ix.first_value_at <= ix.as_of:
        return float(max((local_day(ix.first_value_at, ix.zone) - start).days, 0))
    completed = ix.account.onboarding_completed_on
    onboarding = ix.account.lifecycle_stage == LifecycleStage.ONBOARDING
    if not onboarding or (completed is not None and completed <= ix.today):
        return NO_DATA  # onboarded without a first-value event in the inputs: unknown, not endless
    return float((ix.today - start).days)  # still onboarding and waiting: the days so far


INDICATORS = (
    Indicator(
        key="objectives_documented",
        label="Partnership objectives documented",
        category=Category.ONBOARDING,
        kind=Kind.LEADING,
        window_days=None,
        unit="flag",
        direction=Direction.HIGHER_IS_BETTER,
        action="Agree the partnership objectives with the customer and write them down",
        account=objectives_documented,
    ),
    Indicator(
        key="onboarding_rating",
        label="Onboarding rating",
        category=Category.ONBOARDING,
        kind=Kind.LEADING,
        window_days=None,
        unit="score",
        direction=Direction.HIGHER_IS_BETTER,
        action="Ask the customer what went wrong in onboarding and fix it",
        account=onboarding_rating,
        contact=contact_onboarding_rating,
        description="Average 0-10 answer to onboarding surveys (per contact: their latest answer).",
    ),
    Indicator(
        key="onboarding_adoption",
        label="Licenses active during onboarding",
        category=Category.ONBOARDING,
        kind=Kind.LEADING,
        window_days=None,
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        action="Run a training session to get the invited users started",
        account=onboarding_adoption,
        description="Distinct users with usage between onboarding start and completion (or today), per license.",
    ),
    Indicator(
        key="days_in_onboarding",
        label="Days in onboarding",
        category=Category.ONBOARDING,
        kind=Kind.LEADING,
        window_days=None,
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        action="Review the onboarding plan and unblock the next milestone",
        account=days_in_onboarding,
    ),
    Indicator(
        key="time_to_first_value",
        label="Time to first value",
        category=Category.ONBOARDING,
        kind=Kind.LEADING,
        window_days=None,
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        action="Guide the customer to their first core-value use case",
        account=time_to_first_value,
        description="Days from onboarding start to first value; while not reached, the days so far.",
    ),
)
