"""The scoring engine: pure Python (no Django), frozen dataclasses in, dataclasses out.

The flow, for one account at a time ``as_of``::

    AccountInputs (inputs.py)          facts, daily rollups, recent events, surveys, gut read
      -> build_index (index.py)        one pass over each list into small figures and bit masks
      -> account_values (evaluate.py)  each indicator of the catalogue reads the index
                                       (declared once, by category, in indicators/*; catalogue.py)
      -> score (score.py)              a scorecard (scorecard.py) turns values into points (rules.py),
                                       their weighted mean over the measures with data, coverage,
                                       the gut blend and a band
      -> explain (explain.py)          two scores -> exact contributions, sentences, the next step
    evaluate_contacts (contacts.py)    per contact: contact-level indicators and adoption stage

``evaluate_account`` runs the whole chain in one call. An indicator that cannot be computed returns
``NO_DATA``; in results that becomes None, and the score renormalises over the measures with data.
"""

# pure: no Django import (tests/test_pure_modules.py)
# (in a package's __init__, the marker covers every module of the package)

from indicators.engine.catalogue import ACCOUNT_INDICATORS, CATALOGUE, CONTACT_INDICATORS, indicator
from indicators.engine.contacts import (
    AdoptionStage,
    AdoptionThresholds,
    ContactResult,
    adoption_stage,
    contact_values,
    evaluate_contacts,
)
from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Level, NoData
from indicators.engine.evaluate import AccountEvaluation, account_values, evaluate_account
from indicators.engine.explain import Explanation, MeasureChange, NextStep, explain, suggest_next_step
from indicators.engine.gut import GUT_POINTS, gut_points
from indicators.engine.index import AccountIndex, ContactView, build_index
from indicators.engine.inputs import (
    EVENT_DAYS,
    ROLLUP_DAYS,
    SURVEY_DAYS,
    AccountFacts,
    AccountInputs,
    ContactDayRollup,
    ContactFacts,
    DailyActivity,
    DayRollup,
    EventRecord,
    GutLevel,
    GutRead,
    LifecycleStage,
    SurveyAnswer,
    SurveyAnswers,
    SurveyKind,
    SurveySource,
    TenantFacts,
)
from indicators.engine.rules import Band, BandsRule, LinearRule, Rule, bands, yes_no
from indicators.engine.score import MeasureResult, ScoreResult, score
from indicators.engine.scorecard import DEFAULT_SCORECARD, Measure, Scorecard, Thresholds

__all__ = [
    "ACCOUNT_INDICATORS",
    "CATALOGUE",
    "CONTACT_INDICATORS",
    "DEFAULT_SCORECARD",
    "EVENT_DAYS",
    "GUT_POINTS",
    "NO_DATA",
    "ROLLUP_DAYS",
    "SURVEY_DAYS",
    "AccountEvaluation",
    "AccountFacts",
    "AccountIndex",
    "AccountInputs",
    "AdoptionStage",
    "AdoptionThresholds",
    "Band",
    "BandsRule",
    "Category",
    "ContactDayRollup",
    "ContactFacts",
    "ContactResult",
    "ContactView",
    "DailyActivity",
    "DayRollup",
    "Direction",
    "EventRecord",
    "Explanation",
    "GutLevel",
    "GutRead",
    "Indicator",
    "Kind",
    "Level",
    "LifecycleStage",
    "LinearRule",
    "Measure",
    "MeasureChange",
    "MeasureResult",
    "NextStep",
    "NoData",
    "Rule",
    "ScoreResult",
    "Scorecard",
    "SurveyAnswer",
    "SurveyAnswers",
    "SurveyKind",
    "SurveySource",
    "TenantFacts",
    "Thresholds",
    "account_values",
    "adoption_stage",
    "bands",
    "build_index",
    "contact_values",
    "evaluate_account",
    "evaluate_contacts",
    "explain",
    "gut_points",
    "indicator",
    "score",
    "suggest_next_step",
    "yes_no",
]
