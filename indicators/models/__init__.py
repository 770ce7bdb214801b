from indicators.models.catalogue import Feature, Product
from indicators.models.events import AccountDay, ContactDay, Event, EventType, IngestionError
from indicators.models.health import Band, HealthScore, HealthScoreHistory

__all__ = [
    "AccountDay",
    "Band",
    "ContactDay",
    "Event",
    "EventType",
    "Feature",
    "HealthScore",
    "HealthScoreHistory",
    "IngestionError",
    "Product",
]
