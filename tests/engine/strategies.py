"""Hypothesis strategies for scorecards, rules and indicator values."""

from __future__ import annotations

from hypothesis import strategies as st

from indicators.engine import ACCOUNT_INDICATORS, CATALOGUE, Band, BandsRule, LinearRule, Measure, Scorecard

KEYS = sorted(i.key for i in ACCOUNT_INDICATORS if i.key != "gut_read")
finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
points = st.floats(min_value=0, max_value=100, allow_nan=False)


@st.composite
def linear_rules(draw) -> LinearRule:
    low, high = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
    return LinearRule(lower=low, upper=high)


@st.composite
def monotone_bands(draw, higher_is_better: bool) -> BandsRule:
    """Bands covering every value, whose points never fall as the value gets better."""
    cuts = sorted(draw(st.lists(finite, min_size=1, max_size=5, unique=True)))
    scores = sorted(draw(st.lists(points, min_size=len(cuts) + 1, max_size=len(cuts) + 1)))
    if not higher_is_better:
        scores.reverse()
    below = [draw(st.booleans()) for _ in cuts]  # whether each cut belongs to the band below it
    edges = [None, *cuts, None]
    return BandsRule(
        bands=tuple(
            Band(
                lower=edges[n],
                upper=edges[n + 1],
                points=scores[n],
                lower_inclusive=n > 0 and not below[n - 1],
                upper_inclusive=n < len(cuts) and below[n],
            )
            for n in range(len(cuts) + 1)
        )
    )


@st.composite
def monotone_rules(draw, key: str):
    if draw(st.booleans()):
        return draw(linear_rules())
    return draw(monotone_bands(CATALOGUE[key].higher_is_better))


@st.composite
def scorecards(draw, min_measures: int = 1) -> Scorecard:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=min_measures, max_size=8, unique=True))
    weights = st.floats(min_value=0.1, max_value=100, allow_nan=False)
    measures = tuple(Measure(indicator=k, weight=draw(weights), rule=draw(monotone_rules(k))) for k in keys)
    return Scorecard(key="generated", measures=measures, gut_weight=draw(st.floats(min_value=0, max_value=1)))


@st.composite
def values_for(draw, scorecard: Scorecard, no_data: bool = True) -> dict[str, float | None]:
    value = st.one_of(st.none(), finite) if no_data else finite
    return {m.indicator: draw(value) for m in scorecard.measures}


gut = st.one_of(st.none(), points)
