"""A scorecard's definition as plain data (what a version stores) and the engine objects it builds.

Pure: no Django import. Building the engine objects is the validation: the engine's own checks
(bands that overlap, a ramp with lower >= upper, a weight of zero...) become ``DefinitionError``s
that name the field at fault, so forms and serializers can show them next to it.

A definition::

    {"name": ..., "key": ..., "is_default": bool, "segments": [...], "lifecycle_stages": [...],
     "green_min": 70, "yellow_min": 40, "gut_weight": 0.2,
     "measures": [{"indicator": "nps", "weight": 10, "rule": "linear", "lower": -50, "upper": 50,
                   "no_data_points": null},
                  {"indicator": "open_escalations", "weight": 5, "rule": "bands", "outside_points": 0,
                   "bands": [{"lower": null, "upper": 1, "lower_inclusive": false, "upper_inclusive": false,
                              "points": 100}, ...]}]}
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import indicators.engine as engine  # the package's public names: Band, Rule, Measure, Scorecard …

LINEAR = "linear"
BANDS = "bands"
RULE_KINDS = (LINEAR, BANDS)
BAND_KEYS = ("lower", "upper", "lower_inclusive", "upper_inclusive", "points")


class DefinitionError(ValueError):
    """An invalid definition; ``field`` names the part at fault (``bands``, ``weight``, ``green_min``...)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def account_indicator_choices() -> list[tuple[str, str]]:
    """The indicators a measure may name: the catalogue's account-level ones."""
    return [(i.key, i.label) for i in sorted(engine.ACCOUNT_INDICATORS, key=lambda i: i.key)]


def _number(value, field: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DefinitionError(field, f"Enter a finite number, not {value!r}.")
    return float(value)


def band_from_definition(raw: Mapping, n: int) -> engine.Band:
    if not isinstance(raw, Mapping):
        raise DefinitionError("bands", f"Band {n + 1} must be an object with {', '.join(BAND_KEYS)}.")
    missing = [k for k in BAND_KEYS if k not in raw]
    unknown = sorted(set(raw) - set(BAND_KEYS))
    if missing or unknown:
        said = [f"missing {', '.join(missing)}"] if missing else []
        said += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise DefinitionError("bands", f"Band {n + 1}: {'; '.join(said)} (state both bounds and their inclusivity).")
    for key in ("lower_inclusive", "upper_inclusive"):
        if not isinstance(raw[key], bool):
            raise DefinitionError("bands", f"Band {n + 1}: {key} must be true or false.")
    try:
        return engine.Band(
            lower=_number(raw["lower"], "bands", optional=True),
            upper=_number(raw["upper"], "bands", optional=True),
            points=_number(raw["points"], "bands"),
            lower_inclusive=raw["lower_inclusive"],
            upper_inclusive=raw["upper_inclusive"],
        )
    except DefinitionError as exc:
        raise DefinitionError("bands", f"Band {n + 1}: {exc.message}") from None
    except ValueError as exc:
        raise DefinitionError("bands", f"Band {n + 1}: {exc}") from None


def rule_from_definition(measure: Mapping) -> engine.Rule:
    kind = measure.get("rule")
    if kind == LINEAR:
        lower, upper = measure.get("lower"), measure.get("upper")
        if lower is None or upper is None:
            field = "lower" if lower is None else "upper"
            raise DefinitionError(field, "A linear rule needs both a lower and an upper bound.")
        lower, upper = _number(lower, "lower"), _number(upper, "upper")
        if lower >= upper:
            raise DefinitionError("upper", f"The upper bound ({upper:g}) must be above the lower bound ({lower:g}).")
        return engine.LinearRule(lower=lower, upper=upper)
    if kind == BANDS:
        raw_bands = measure.get("bands")
        if not isinstance(raw_bands, Sequence) or isinstance(raw_bands, str) or not raw_bands:
            raise DefinitionError("bands", "A bands rule needs at least one band.")
        built = tuple(band_from_definition(raw, n) for n, raw in enumerate(raw_bands))
        outside = _number(measure.get("outside_points", 0), "outside_points")
        try:
            return engine.BandsRule(bands=built, outside_points=outside)
        except ValueError as exc:
            field = "outside_points" if "outside" in str(exc) else "bands"
            raise DefinitionError(field, str(exc)) from None
    raise DefinitionError("rule", f"Choose a rule: {' or '.join(RULE_KINDS)}, not {kind!r}.")


def measure_from_definition(measure: Mapping) -> engine.Measure:
    key = measure.get("indicator")
    declared = engine.CATALOGUE.get(key) if isinstance(key, str) else None
    if declared is None:
        raise DefinitionError("indicator", f"Unknown indicator {key!r}.")
    if engine.Level.ACCOUNT not in declared.levels:
        raise DefinitionError("indicator", f"{key!r} is not measured per account.")
    weight = _number(measure.get("weight"), "weight")
    if weight <= 0:
        raise DefinitionError("weight", f"The weight must be above 0, not {weight:g}.")
    no_data_points = _number(measure.get("no_data_points"), "no_data_points", optional=True)
    if no_data_points is not None and not 0 <= no_data_points <= 100:
        raise DefinitionError("no_data_points", f"Enter points between 0 and 100, not {no_data_points:g}.")
    return engine.Measure(
        indicator=key, weight=weight, rule=rule_from_definition(measure), no_data_points=no_data_points
    )


def thresholds_from_definition(definition: Mapping) -> engine.Thresholds:
    green = _number(definition.get("green_min"), "green_min")
    yellow = _number(definition.get("yellow_min"), "yellow_min")
    for field, value in (("green_min", green), ("yellow_min", yellow)):
        if not 0 <= value <= 100:
            raise DefinitionError(field, f"Enter a score between 0 and 100, not {value:g}.")
    if yellow > green:
        raise DefinitionError("yellow_min", f"The yellow threshold ({yellow:g}) cannot be above green ({green:g}).")
    return engine.Thresholds(green_min=green, yellow_min=yellow)


def scorecard_from_definition(definition: Mapping, *, key: str) -> engine.Scorecard:
    """The engine scorecard of a definition; ``DefinitionError`` names the first field at fault.

    A measure's error is reported as ``measures`` with its position in the message.
    """
    thresholds = thresholds_from_definition(definition)
    gut_weight = _number(definition.get("gut_weight"), "gut_weight")
    if not 0 <= gut_weight <= 1:
        raise DefinitionError("gut_weight", f"Enter a weight between 0 and 1, not {gut_weight:g}.")
    raw_measures = definition.get("measures") or []
    if not raw_measures:
        raise DefinitionError("measures", "A scorecard needs at least one measure.")
    measures = []
    for n, raw in enumerate(raw_measures):
        try:
            measures.append(measure_from_definition(raw))
        except DefinitionError as exc:
            raise DefinitionError("measures", f"Measure {n + 1} ({exc.field}): {exc.message}") from None
    keys = [m.indicator for m in measures]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DefinitionError("measures", f"Each indicator is measured once; repeated: {', '.join(repeated)}.")
    if gut_weight and "gut_read" in keys:
        raise DefinitionError(
            "gut_weight", "The gut read is blended by gut_weight; to measure it as an indicator set gut_weight to 0."
        )
    return engine.Scorecard(key=key, measures=tuple(measures), thresholds=thresholds, gut_weight=gut_weight)


def rule_to_definition(rule: engine.Rule) -> dict:
    if isinstance(rule, engine.LinearRule):
        return {"rule": LINEAR, "lower": rule.lower, "upper": rule.upper, "bands": [], "outside_points": 0.0}
    return {
        "rule": BANDS,
        "lower": None,
        "upper": None,
        "outside_points": rule.outside_points,
        "bands": [{k: getattr(band, k) for k in BAND_KEYS} for band in rule.bands],
    }


def definition_from_engine(scorecard: engine.Scorecard, *, name: str, key: str, is_default: bool) -> dict:
    """A definition holding an engine scorecard's measures and thresholds (the default scorecard's, say)."""
    return {
        "name": name,
        "key": key,
        "is_default": is_default,
        "segments": [],
        "lifecycle_stages": [],
        "green_min": scorecard.thresholds.green_min,
        "yellow_min": scorecard.thresholds.yellow_min,
        "gut_weight": scorecard.gut_weight,
        "measures": [
            {
                "indicator": m.indicator,
                "weight": float(m.weight),
                **rule_to_definition(m.rule),
                "no_data_points": m.no_data_points,
            }
            for m in scorecard.measures
        ],
    }


def version_key(key: str, number: int) -> str:
    """How a score names the scorecard version that produced it: ``<key>@v<number>``."""
    return f"{key}@v{number}"
