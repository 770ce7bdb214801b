from indicators.models.catalogue import Feature, Product
from indicators.models.events import (
    AccountDay,
    AppliedMessage,
    ContactDay,
    Event,
    EventMessage,
    EventSource,
    EventType,
    IngestionError,
)
from indicators.models.gut import GutLevelChoice, GutRead
from indicators.models.health import Band, HealthScore, HealthScoreHistory
from indicators.models.scorecards import RuleKind, Scorecard, ScorecardMeasure, ScorecardVersion

__all__ = [
    "AccountDay",
    "AppliedMessage",
    "Band",
    "ContactDay",
    "Event",
    "EventMessage",
    "EventSource",
    "EventType",
    "Feature",
    "GutLevelChoice",
    "GutRead",
    "HealthScore",
    "HealthScoreHistory",
    "IngestionError",
    "Product",
    "RuleKind",
    "Scorecard",
    "ScorecardMeasure",
    "ScorecardVersion",
]
